// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IAccountRules} from "./interfaces/IAccountRules.sol";

/// @title AccountRules
/// @notice Which accounts may send transactions on the permissioned chain. See {IAccountRules}.
contract AccountRules is IAccountRules, AccessManaged {
    uint256 public constant MAX_ALLOW_MANY = 256;

    mapping(address account => bool) private _allowed;
    uint256 private _count;

    constructor(address authority) AccessManaged(authority) {}

    /// @inheritdoc IAccountRules
    function allow(address account) external restricted {
        if (account == address(0)) revert AccountRulesZeroAddress();
        if (_allowed[account]) revert AccountRulesAlreadyAllowed(account);
        _allow(account);
    }

    /// @inheritdoc IAccountRules
    function allowMany(address[] calldata accounts) external restricted {
        if (accounts.length > MAX_ALLOW_MANY) revert AccountRulesBatchTooLarge(accounts.length, MAX_ALLOW_MANY);
        for (uint256 i = 0; i < accounts.length; ++i) {
            address account = accounts[i];
            if (account == address(0)) revert AccountRulesZeroAddress();
            if (!_allowed[account]) _allow(account);
        }
    }

    /// @inheritdoc IAccountRules
    function disallow(address account) external restricted {
        if (!_allowed[account]) revert AccountRulesNotAllowed(account);
        _allowed[account] = false;
        --_count;
        emit AccountDisallowed(account, msg.sender);
    }

    /// @inheritdoc IAccountRules
    function isAllowed(address account) external view returns (bool) {
        return _allowed[account];
    }

    /// @inheritdoc IAccountRules
    function allowedCount() external view returns (uint256) {
        return _count;
    }

    /// @inheritdoc IAccountRules
    function transactionAllowed(address sender, address, uint256, uint256, uint256, bytes calldata)
        external
        view
        returns (bool)
    {
        return _allowed[sender];
    }

    function _allow(address account) private {
        _allowed[account] = true;
        ++_count;
        emit AccountAllowed(account, msg.sender);
    }
}
