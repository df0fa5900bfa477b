// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ICredentialRegistry} from "./interfaces/ICredentialRegistry.sol";

/// @title CredentialRegistry
/// @notice Credential hashes, their schemas, trusted issuers and status. See {ICredentialRegistry}.
contract CredentialRegistry is ICredentialRegistry, AccessManaged {
    /// @dev Bounds the loop in {anchorMany}; larger sets go through {anchorBatch}.
    uint256 public constant MAX_ANCHOR_MANY = 256;

    mapping(bytes32 schemaId => Schema) private _schemas;
    mapping(bytes32 schemaId => mapping(address issuer => bool)) private _trusted;
    mapping(bytes32 credentialHash => Credential) private _credentials;
    mapping(bytes32 root => Batch) private _batches;
    /// @dev A batched credential's own status, kept per batch: a hash anchored singly or in another
    /// issuer's batch is a different record and can neither block nor change this one.
    mapping(bytes32 root => mapping(bytes32 credentialHash => Credential)) private _batched;

    constructor(address authority) AccessManaged(authority) {}

    // ---------------------------------------------------------------- schemas and issuers

    /// @inheritdoc ICredentialRegistry
    function registerSchema(bytes32 schemaId, string calldata name, string calldata version) external restricted {
        if (schemaId == bytes32(0)) revert CredentialRegistryZeroHash();
        if (bytes(name).length == 0) revert CredentialRegistryEmptyName();
        if (_schemas[schemaId].registeredAt != 0) revert CredentialRegistrySchemaExists(schemaId);
        _schemas[schemaId] = Schema({name: name, version: version, registeredAt: _time(), deprecatedAt: 0});
        emit SchemaRegistered(schemaId, name, version);
    }

    /// @inheritdoc ICredentialRegistry
    function deprecateSchema(bytes32 schemaId) external restricted {
        Schema storage schema = _knownSchema(schemaId);
        if (schema.deprecatedAt != 0) revert CredentialRegistrySchemaDeprecated(schemaId);
        schema.deprecatedAt = _time();
        emit SchemaDeprecated(schemaId);
    }

    /// @inheritdoc ICredentialRegistry
    function setIssuerTrust(bytes32 schemaId, address issuer, bool trusted) external restricted {
        if (issuer == address(0)) revert CredentialRegistryZeroAddress();
        _knownSchema(schemaId);
        _trusted[schemaId][issuer] = trusted;
        emit IssuerTrustChanged(schemaId, issuer, trusted);
    }

    // ---------------------------------------------------------------- anchoring

    /// @inheritdoc ICredentialRegistry
    function anchor(bytes32 credentialHash, bytes32 schemaId, bytes32 subject, uint64 validFrom, uint64 validUntil)
        external
        restricted
    {
        _checkAnchoring(schemaId, validFrom, validUntil);
        _anchor(credentialHash, schemaId, subject, validFrom, validUntil);
    }

    /// @inheritdoc ICredentialRegistry
    function anchorMany(
        bytes32[] calldata credentialHashes,
        bytes32[] calldata subjects,
        bytes32 schemaId,
        uint64 validFrom,
        uint64 validUntil
    ) external restricted {
        uint256 length = credentialHashes.length;
        if (length != subjects.length) revert CredentialRegistryArrayLengthMismatch(length, subjects.length);
        if (length == 0) revert CredentialRegistryInvalidCount();
        if (length > MAX_ANCHOR_MANY) revert CredentialRegistryBatchTooLarge(length, MAX_ANCHOR_MANY);
        _checkAnchoring(schemaId, validFrom, validUntil);
        for (uint256 i = 0; i < length; ++i) {
            _anchor(credentialHashes[i], schemaId, subjects[i], validFrom, validUntil);
        }
    }

    /// @inheritdoc ICredentialRegistry
    function anchorBatch(bytes32 root, uint32 count, bytes32 schemaId, uint64 validFrom, uint64 validUntil)
        external
        restricted
    {
        if (root == bytes32(0)) revert CredentialRegistryZeroHash();
        if (count == 0) revert CredentialRegistryInvalidCount();
        if (_batches[root].anchoredAt != 0) revert CredentialRegistryAlreadyAnchored(root);
        _checkAnchoring(schemaId, validFrom, validUntil);
        _batches[root] = Batch({
            issuer: msg.sender,
            status: IssuerStatus.Active,
            validFrom: validFrom,
            validUntil: validUntil,
            anchoredAt: _time(),
            statusChangedAt: 0,
            reason: 0,
            count: count,
            schemaId: schemaId
        });
        emit BatchAnchored(root, schemaId, msg.sender, count, validFrom, validUntil);
    }

    // ---------------------------------------------------------------- status

    /// @inheritdoc ICredentialRegistry
    function revoke(bytes32 credentialHash, uint16 reason) external {
        _setStatus(credentialHash, IssuerStatus.Revoked, reason);
    }

    /// @inheritdoc ICredentialRegistry
    function suspend(bytes32 credentialHash, uint16 reason) external {
        _setStatus(credentialHash, IssuerStatus.Suspended, reason);
    }

    /// @inheritdoc ICredentialRegistry
    function reinstate(bytes32 credentialHash, uint16 reason) external {
        _setStatus(credentialHash, IssuerStatus.Active, reason);
    }

    /// @inheritdoc ICredentialRegistry
    function setBatchedStatus(
        bytes32 root,
        bytes32 credentialHash,
        bytes32[] calldata proof,
        IssuerStatus status,
        uint16 reason
    ) external {
        Batch storage batch = _knownBatch(root);
        if (batch.issuer != msg.sender) revert CredentialRegistryNotIssuer(credentialHash, msg.sender);
        if (!MerkleProof.verifyCalldata(proof, root, leafOf(credentialHash))) {
            revert CredentialRegistryInvalidProof(root, credentialHash);
        }
        Credential storage record = _batched[root][credentialHash];
        if (record.anchoredAt == 0) {
            // First status change of a batched credential: it gets its own record, in this batch only.
            record.issuer = batch.issuer;
            record.status = IssuerStatus.Active;
            record.validFrom = batch.validFrom;
            record.validUntil = batch.validUntil;
            record.anchoredAt = batch.anchoredAt;
            record.schemaId = batch.schemaId;
            record.batchRoot = root;
        }
        record.status = _transition(credentialHash, record.status, status);
        record.statusChangedAt = _time();
        record.reason = reason;
        emit CredentialStatusChanged(credentialHash, msg.sender, root, status, reason);
    }

    /// @inheritdoc ICredentialRegistry
    function setBatchStatus(bytes32 root, IssuerStatus status, uint16 reason) external {
        Batch storage batch = _knownBatch(root);
        if (batch.issuer != msg.sender) revert CredentialRegistryNotIssuer(root, msg.sender);
        batch.status = _transition(root, batch.status, status);
        batch.statusChangedAt = _time();
        batch.reason = reason;
        emit BatchStatusChanged(root, msg.sender, status, reason);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc ICredentialRegistry
    function getSchema(bytes32 schemaId) external view returns (Schema memory) {
        return _schemas[schemaId];
    }

    /// @inheritdoc ICredentialRegistry
    function isTrustedIssuer(bytes32 schemaId, address issuer) public view returns (bool) {
        return _trusted[schemaId][issuer];
    }

    /// @inheritdoc ICredentialRegistry
    function getCredential(bytes32 credentialHash) external view returns (Credential memory) {
        return _credentials[credentialHash];
    }

    /// @inheritdoc ICredentialRegistry
    function getBatchedCredential(bytes32 root, bytes32 credentialHash) external view returns (Credential memory) {
        return _batched[root][credentialHash];
    }

    /// @inheritdoc ICredentialRegistry
    function getBatch(bytes32 root) external view returns (Batch memory) {
        return _batches[root];
    }

    /// @inheritdoc ICredentialRegistry
    function statusOf(bytes32 credentialHash) external view returns (CredentialStatus) {
        Credential storage record = _credentials[credentialHash];
        if (record.anchoredAt == 0 || record.batchRoot != bytes32(0)) return CredentialStatus.Unknown;
        return _effective(record.status, record.validFrom, record.validUntil);
    }

    /// @inheritdoc ICredentialRegistry
    function statusOfBatched(bytes32 root, bytes32 credentialHash, bytes32[] calldata proof)
        external
        view
        returns (CredentialStatus)
    {
        Batch storage batch = _batches[root];
        if (batch.anchoredAt == 0 || !MerkleProof.verifyCalldata(proof, root, leafOf(credentialHash))) {
            return CredentialStatus.Unknown;
        }
        IssuerStatus status = batch.status;
        Credential storage record = _batched[root][credentialHash];
        if (record.anchoredAt != 0 && _severity(record.status) > _severity(status)) status = record.status;
        return _effective(status, batch.validFrom, batch.validUntil);
    }

    /// @inheritdoc ICredentialRegistry
    function leafOf(bytes32 credentialHash) public pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(credentialHash))));
    }

    // ---------------------------------------------------------------- internals

    function _anchor(bytes32 credentialHash, bytes32 schemaId, bytes32 subject, uint64 validFrom, uint64 validUntil)
        private
    {
        if (credentialHash == bytes32(0)) revert CredentialRegistryZeroHash();
        if (_credentials[credentialHash].anchoredAt != 0) revert CredentialRegistryAlreadyAnchored(credentialHash);
        _credentials[credentialHash] = Credential({
            issuer: msg.sender,
            status: IssuerStatus.Active,
            validFrom: validFrom,
            validUntil: validUntil,
            anchoredAt: _time(),
            statusChangedAt: 0,
            reason: 0,
            schemaId: schemaId,
            subject: subject,
            batchRoot: bytes32(0)
        });
        emit CredentialAnchored(credentialHash, schemaId, msg.sender, subject, validFrom, validUntil);
    }

    function _setStatus(bytes32 credentialHash, IssuerStatus to, uint16 reason) private {
        Credential storage record = _credentials[credentialHash];
        if (record.anchoredAt == 0 || record.batchRoot != bytes32(0)) {
            revert CredentialRegistryUnknownCredential(credentialHash);
        }
        if (record.issuer != msg.sender) revert CredentialRegistryNotIssuer(credentialHash, msg.sender);
        record.status = _transition(credentialHash, record.status, to);
        record.statusChangedAt = _time();
        record.reason = reason;
        emit CredentialStatusChanged(credentialHash, msg.sender, bytes32(0), to, reason);
    }

    /// @dev Active -> Suspended -> Active (reinstate); Active or Suspended -> Revoked; Revoked is final.
    function _transition(bytes32 key, IssuerStatus from, IssuerStatus to) private pure returns (IssuerStatus) {
        bool allowed = (to == IssuerStatus.Revoked && (from == IssuerStatus.Active || from == IssuerStatus.Suspended))
            || (to == IssuerStatus.Suspended && from == IssuerStatus.Active)
            || (to == IssuerStatus.Active && from == IssuerStatus.Suspended);
        if (!allowed) revert CredentialRegistryInvalidTransition(key, from, to);
        return to;
    }

    function _effective(IssuerStatus status, uint64 validFrom, uint64 validUntil)
        private
        view
        returns (CredentialStatus)
    {
        if (status == IssuerStatus.Revoked) return CredentialStatus.Revoked;
        if (status == IssuerStatus.Suspended) return CredentialStatus.Suspended;
        uint64 now_ = _time();
        if (validUntil != 0 && now_ >= validUntil) return CredentialStatus.Expired;
        if (now_ < validFrom) return CredentialStatus.NotYetValid;
        return CredentialStatus.Valid;
    }

    function _severity(IssuerStatus status) private pure returns (uint8) {
        if (status == IssuerStatus.Revoked) return 2;
        if (status == IssuerStatus.Suspended) return 1;
        return 0;
    }

    function _checkAnchoring(bytes32 schemaId, uint64 validFrom, uint64 validUntil) private view {
        Schema storage schema = _knownSchema(schemaId);
        if (schema.deprecatedAt != 0) revert CredentialRegistrySchemaDeprecated(schemaId);
        if (!_trusted[schemaId][msg.sender]) revert CredentialRegistryUntrustedIssuer(schemaId, msg.sender);
        if (validUntil != 0 && (validUntil <= validFrom || validUntil <= _time())) {
            revert CredentialRegistryInvalidWindow(validFrom, validUntil);
        }
    }

    function _knownSchema(bytes32 schemaId) private view returns (Schema storage schema) {
        schema = _schemas[schemaId];
        if (schema.registeredAt == 0) revert CredentialRegistryUnknownSchema(schemaId);
    }

    function _knownBatch(bytes32 root) private view returns (Batch storage batch) {
        batch = _batches[root];
        if (batch.anchoredAt == 0) revert CredentialRegistryUnknownBatch(root);
    }

    /// @dev The current time as the contract sees it. Virtual so a test harness can move the clock.
    function _time() internal view virtual returns (uint64) {
        return uint64(block.timestamp);
    }
}
