// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {IImiSigned} from "../interfaces/IImiSigned.sol";

/**
 * @dev EIP-712 + Nonces + SignatureChecker in one place, so that every signed action in IMI is
 * checked the same way: deadline first, then the signature over the struct hash built with the
 * signer's current nonce, then the nonce is consumed.
 */
abstract contract ImiSigned is IImiSigned, EIP712, Nonces {
    constructor(string memory name, string memory version) EIP712(name, version) {}

    /// @inheritdoc IImiSigned
    function bumpNonce() external returns (uint256 newNonce) {
        newNonce = _useNonce(msg.sender) + 1;
        emit NonceBumped(msg.sender, newNonce);
    }

    /// @dev The current time as the contracts see it. Virtual so a test harness can move the clock.
    function _time() internal view virtual returns (uint64) {
        return uint64(block.timestamp);
    }

    /**
     * @dev Checks `auth` against `structHash` (which the caller built with `nonces(auth.signer)`)
     * and consumes the signer's nonce. Returns the signer.
     */
    function _useAuthorization(Authorization calldata auth, bytes32 structHash) internal returns (address) {
        if (auth.signer == address(0)) revert ImiSignedZeroSigner();
        if (auth.deadline < _time()) revert ImiSignedExpired(auth.deadline, _time());
        bytes32 digest = _hashTypedDataV4(structHash);
        // SignatureChecker: ERC-1271 for contracts, ECDSA (65-byte, low-s only) for EOAs.
        if (!SignatureChecker.isValidSignatureNow(auth.signer, digest, auth.signature)) {
            revert ImiSignedInvalidSignature(auth.signer);
        }
        _useNonce(auth.signer);
        return auth.signer;
    }
}
