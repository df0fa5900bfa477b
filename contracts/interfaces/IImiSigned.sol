// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/**
 * @title IImiSigned
 * @dev What every IMI contract that accepts EIP-712 signed actions shares: the authorization that
 * travels with a relayed call, the per-signer nonces and the errors a bad signature produces.
 *
 * A signed action is a typed message whose struct hash includes the signer's current nonce and a
 * deadline. Anyone may relay it; the contract checks the signature against the domain (name,
 * version, chain id, contract address), so a signature cannot be replayed on another chain or
 * against another deployment. Smart-contract wallets sign through ERC-1271.
 */
interface IImiSigned {
    /// @dev The signature part of a relayed call: who signed, until when it is good, and the 65-byte signature.
    struct Authorization {
        address signer;
        uint256 deadline;
        bytes signature;
    }

    /// @dev Emitted when `account` cancels all of its outstanding signatures by moving to `newNonce`.
    event NonceBumped(address indexed account, uint256 newNonce);

    /// @dev The authorization's deadline (`deadline`) has passed (`now`).
    error ImiSignedExpired(uint256 deadline, uint256 now);

    /// @dev The signature does not belong to `signer` for this message, nonce, chain and contract.
    /// High-s (malleable) and 64-byte compact signatures are refused here too.
    error ImiSignedInvalidSignature(address signer);

    /// @dev The signer is the zero address.
    error ImiSignedZeroSigner();

    /**
     * @dev Uses up the caller's current nonce, which invalidates every signature the caller has
     * made and not yet had relayed. Emits {NonceBumped}.
     */
    function bumpNonce() external returns (uint256 newNonce);
}
