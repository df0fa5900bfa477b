// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {P256} from "@openzeppelin/contracts/utils/cryptography/P256.sol";
import {IPasskeyAccountFactory} from "./interfaces/IPasskeyAccount.sol";
import {PasskeyAccount} from "./PasskeyAccount.sol";

/// @title PasskeyAccountFactory
/// @notice Deploys citizens' passkey accounts at addresses known from the key alone. See {IPasskeyAccountFactory}.
/// @dev The key is the clone's immutable argument and the CREATE2 salt is zero: the address is a
/// function of (factory, implementation, key), so there is exactly one account per key and
/// nobody can front-run its deployment with another key (there is no initializer to race).
contract PasskeyAccountFactory is IPasskeyAccountFactory {
    /// @inheritdoc IPasskeyAccountFactory
    address public immutable implementation;

    constructor() {
        implementation = address(new PasskeyAccount());
    }

    /// @inheritdoc IPasskeyAccountFactory
    function createAccount(bytes32 qx, bytes32 qy) external returns (address account) {
        account = accountAddress(qx, qy);
        if (account.code.length > 0) return account;
        if (!P256.isValidPublicKey(qx, qy)) revert PasskeyAccountFactoryInvalidKey(qx, qy);
        Clones.cloneDeterministicWithImmutableArgs(implementation, abi.encode(qx, qy), bytes32(0));
        emit PasskeyAccountCreated(account, qx, qy);
    }

    /// @inheritdoc IPasskeyAccountFactory
    function accountAddress(bytes32 qx, bytes32 qy) public view returns (address) {
        return Clones.predictDeterministicAddressWithImmutableArgs(implementation, abi.encode(qx, qy), bytes32(0));
    }
}
