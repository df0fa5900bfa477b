// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";

/**
 * @title IPasskeyAccount
 * @dev A citizen's passkey (WebAuthn, P-256) as an address: a minimal account that answers
 * ERC-1271 for the one public key it was created with, so it can be an identity's controller,
 * a guardian or any other signer the IMI registries check with `SignatureChecker`.
 *
 * The signature is the ABI encoding of OpenZeppelin's `WebAuthn.WebAuthnAuth` fields
 * `(bytes32 r, bytes32 s, uint256 challengeIndex, uint256 typeIndex, bytes authenticatorData,
 * string clientDataJSON)`, where the WebAuthn challenge is the 32-byte hash being checked (for
 * the registries: the EIP-712 digest). User presence and user verification are required.
 *
 * The key is fixed for the life of the account: a new passkey is a new account, moved in
 * through the identity registry's rotation or delayed recovery.
 */
interface IPasskeyAccount is IERC1271 {
    /// @dev The account's P-256 public key (affine coordinates). (0, 0) on the implementation contract.
    function signer() external view returns (bytes32 qx, bytes32 qy);
}

/**
 * @title IPasskeyAccountFactory
 * @dev Deploys {IPasskeyAccount}s as clones with the public key as immutable argument, at a
 * CREATE2 address that depends only on the factory and the key. Anyone may deploy an account
 * (it can do nothing but check its key's signatures), and deploying again returns the same one.
 */
interface IPasskeyAccountFactory {
    /// @dev Emitted once, when the account for (`qx`, `qy`) is deployed at `account`.
    event PasskeyAccountCreated(address indexed account, bytes32 qx, bytes32 qy);

    /// @dev (`qx`, `qy`) is not a point on P-256.
    error PasskeyAccountFactoryInvalidKey(bytes32 qx, bytes32 qy);

    /// @dev The contract every account delegates to.
    function implementation() external view returns (address);

    /**
     * @dev Returns the account of the key, deploying it first if it has no code yet. Emits
     * {PasskeyAccountCreated} when it deploys.
     *
     * Requirements:
     * - (`qx`, `qy`) is a valid P-256 public key.
     */
    function createAccount(bytes32 qx, bytes32 qy) external returns (address account);

    /// @dev The address {createAccount} deploys to (or has deployed to) for the key.
    function accountAddress(bytes32 qx, bytes32 qy) external view returns (address);
}
