// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {SignerP256} from "@openzeppelin/contracts/utils/cryptography/signers/SignerP256.sol";
import {SignerWebAuthn} from "@openzeppelin/contracts/utils/cryptography/signers/SignerWebAuthn.sol";
import {IPasskeyAccount} from "./interfaces/IPasskeyAccount.sol";

/// @title PasskeyAccount
/// @notice A citizen's passkey as an ERC-1271 signer. See {IPasskeyAccount}.
/// @dev Verification is OpenZeppelin's {SignerWebAuthn} (WebAuthn assertion checks, then P-256
/// through the EIP-7951 precompile at 0x100, or OpenZeppelin's Solidity P-256 where the chain has
/// no precompile). Each account is a clone whose immutable argument is `abi.encode(qx, qy)`.
contract PasskeyAccount is IPasskeyAccount, SignerWebAuthn {
    /// @dev The implementation's own address, to tell it apart from its clones.
    address private immutable _self = address(this);

    // SignerP256's constructor insists on a valid point, so the implementation stores the P-256
    // generator. It is never read: {signer} is overridden and answers (0, 0) on the implementation,
    // which no signature verifies against.
    constructor()
        SignerP256(
            0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296,
            0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5
        )
    {}

    /// @inheritdoc IPasskeyAccount
    function signer() public view override(IPasskeyAccount, SignerP256) returns (bytes32 qx, bytes32 qy) {
        if (address(this) == _self) return (0, 0);
        return abi.decode(Clones.fetchCloneArgs(address(this)), (bytes32, bytes32));
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        return _rawSignatureValidation(hash, signature) ? IERC1271.isValidSignature.selector : bytes4(0xffffffff);
    }
}
