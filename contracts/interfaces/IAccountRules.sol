// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/**
 * @title IAccountRules
 * @dev The allowlist of accounts that may send transactions on the permissioned chain. The
 * embedded node consults {isAllowed}; Hyperledger Besu's account permissioning calls
 * {transactionAllowed}. Managed by the governor; every change is an event, so the full list can
 * be rebuilt from the log (for example to write a Besu genesis).
 */
interface IAccountRules {
    event AccountAllowed(address indexed account, address indexed by);
    event AccountDisallowed(address indexed account, address indexed by);

    error AccountRulesZeroAddress();
    error AccountRulesAlreadyAllowed(address account);
    error AccountRulesNotAllowed(address account);
    error AccountRulesBatchTooLarge(uint256 length, uint256 maximum);

    /// @dev Governor adds `account`. Requirements: non-zero, not already allowed.
    function allow(address account) external;

    /// @dev Governor adds up to 256 accounts; ones already allowed are skipped.
    function allowMany(address[] calldata accounts) external;

    /// @dev Governor removes `account`. Requirements: currently allowed.
    function disallow(address account) external;

    function isAllowed(address account) external view returns (bool);

    /// @dev How many accounts are allowed now.
    function allowedCount() external view returns (uint256);

    /// @dev Besu account permissioning interface: the sender alone decides.
    function transactionAllowed(
        address sender,
        address target,
        uint256 value,
        uint256 gasPrice,
        uint256 gasLimit,
        bytes calldata payload
    ) external view returns (bool);
}
