// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/**
 * @title ICredentialRegistry
 * @dev Credentials (certificates, permits, credit records) anchored as hashes. The document itself
 * stays with the holder; the chain says who issued it under which schema, for how long, and
 * whether it is still good.
 *
 * A schema is identified by the hash of its schema document. The governor registers schemas and
 * says which issuers are trusted for which schema; an issuer must hold the issuer role AND be
 * trusted for the schema to anchor. Credentials are anchored one by one (with subject and validity)
 * or many at once as a Merkle root: a batched credential is proven with an inclusion proof for the
 * leaf `keccak256(bytes.concat(keccak256(abi.encode(credentialHash))))` (the leaf encoding of
 * OpenZeppelin's StandardMerkleTree for the single value type `bytes32`).
 *
 * Status changes (revoke, suspend, reinstate) carry a reason code and record a time; revoked is
 * final, suspended can be reinstated (credit repair is a reinstate). Nothing is deleted.
 */
interface ICredentialRegistry {
    enum CredentialStatus {
        Unknown,
        Valid,
        Revoked,
        Suspended,
        Expired,
        NotYetValid
    }

    /// @dev The status an issuer set; expiry and validity windows are applied on top of it by the views.
    enum IssuerStatus {
        None,
        Active,
        Suspended,
        Revoked
    }

    struct Schema {
        string name;
        string version;
        uint64 registeredAt;
        uint64 deprecatedAt;
    }

    struct Credential {
        address issuer;
        IssuerStatus status;
        uint64 validFrom;
        uint64 validUntil;
        uint64 anchoredAt;
        uint64 statusChangedAt;
        uint16 reason;
        bytes32 schemaId;
        bytes32 subject;
        /// @dev Zero for a singly anchored credential ({getCredential}); the batch root for a batched
        /// credential's own record ({getBatchedCredential}).
        bytes32 batchRoot;
    }

    struct Batch {
        address issuer;
        IssuerStatus status;
        uint64 validFrom;
        uint64 validUntil;
        uint64 anchoredAt;
        uint64 statusChangedAt;
        uint16 reason;
        uint32 count;
        bytes32 schemaId;
    }

    event SchemaRegistered(bytes32 indexed schemaId, string name, string version);
    event SchemaDeprecated(bytes32 indexed schemaId);
    event IssuerTrustChanged(bytes32 indexed schemaId, address indexed issuer, bool trusted);
    event CredentialAnchored(
        bytes32 indexed credentialHash,
        bytes32 indexed schemaId,
        address indexed issuer,
        bytes32 subject,
        uint64 validFrom,
        uint64 validUntil
    );
    event BatchAnchored(
        bytes32 indexed root, bytes32 indexed schemaId, address indexed issuer, uint32 count, uint64 validFrom, uint64 validUntil
    );
    /// @dev `batchRoot` is zero for a singly anchored credential.
    event CredentialStatusChanged(
        bytes32 indexed credentialHash, address indexed issuer, bytes32 indexed batchRoot, IssuerStatus status, uint16 reason
    );
    event BatchStatusChanged(bytes32 indexed root, address indexed issuer, IssuerStatus status, uint16 reason);

    error CredentialRegistryZeroAddress();
    error CredentialRegistryZeroHash();
    error CredentialRegistryEmptyName();
    error CredentialRegistrySchemaExists(bytes32 schemaId);
    error CredentialRegistryUnknownSchema(bytes32 schemaId);
    error CredentialRegistrySchemaDeprecated(bytes32 schemaId);
    error CredentialRegistryUntrustedIssuer(bytes32 schemaId, address issuer);
    error CredentialRegistryInvalidWindow(uint64 validFrom, uint64 validUntil);
    error CredentialRegistryAlreadyAnchored(bytes32 credentialHash);
    error CredentialRegistryUnknownCredential(bytes32 credentialHash);
    error CredentialRegistryUnknownBatch(bytes32 root);
    error CredentialRegistryNotIssuer(bytes32 credentialHash, address account);
    error CredentialRegistryInvalidProof(bytes32 root, bytes32 credentialHash);
    error CredentialRegistryInvalidTransition(bytes32 credentialHash, IssuerStatus from, IssuerStatus to);
    error CredentialRegistryArrayLengthMismatch(uint256 hashes, uint256 subjects);
    error CredentialRegistryBatchTooLarge(uint256 length, uint256 maximum);
    error CredentialRegistryInvalidCount();

    /// @dev Governor registers a schema. Requirements: non-zero id, non-empty name, not registered before.
    function registerSchema(bytes32 schemaId, string calldata name, string calldata version) external;

    /// @dev Governor stops new anchoring under a schema (existing credentials keep their status).
    function deprecateSchema(bytes32 schemaId) external;

    /// @dev Governor trusts (or stops trusting) `issuer` for `schemaId`.
    function setIssuerTrust(bytes32 schemaId, address issuer, bool trusted) external;

    /**
     * @dev Anchors one credential. `subject` is the citizen id (or zero for a credential about no citizen).
     * `validUntil` 0 means no expiry.
     *
     * Requirements: issuer role; trusted for an active schema; non-zero hash; never anchored; valid window.
     */
    function anchor(bytes32 credentialHash, bytes32 schemaId, bytes32 subject, uint64 validFrom, uint64 validUntil)
        external;

    /// @dev {anchor} for up to 256 credentials sharing schema and validity. Arrays must have equal length.
    function anchorMany(
        bytes32[] calldata credentialHashes,
        bytes32[] calldata subjects,
        bytes32 schemaId,
        uint64 validFrom,
        uint64 validUntil
    ) external;

    /// @dev Anchors a Merkle root of `count` credential hashes sharing schema and validity.
    function anchorBatch(bytes32 root, uint32 count, bytes32 schemaId, uint64 validFrom, uint64 validUntil) external;

    /// @dev The anchoring issuer revokes a credential for good.
    function revoke(bytes32 credentialHash, uint16 reason) external;

    /// @dev The anchoring issuer suspends a valid credential.
    function suspend(bytes32 credentialHash, uint16 reason) external;

    /// @dev The anchoring issuer reinstates a suspended credential (for example after credit repair).
    function reinstate(bytes32 credentialHash, uint16 reason) external;

    /// @dev Status change of one credential inside a batch, proven by `proof`. `status` is Revoked, Suspended or Active.
    /// The credential's record is kept per batch, so the same hash anchored singly or in another batch
    /// (by any issuer) does not block it.
    ///
    /// Requirements:
    /// - `root` is an anchored batch and the caller is its issuer (else `CredentialRegistryNotIssuer`);
    /// - `proof` proves `credentialHash` in `root` (else `CredentialRegistryInvalidProof`);
    /// - the transition is allowed (else `CredentialRegistryInvalidTransition`).
    function setBatchedStatus(
        bytes32 root,
        bytes32 credentialHash,
        bytes32[] calldata proof,
        IssuerStatus status,
        uint16 reason
    ) external;

    /// @dev Status change of a whole batch. `status` is Revoked, Suspended or Active.
    function setBatchStatus(bytes32 root, IssuerStatus status, uint16 reason) external;

    function getSchema(bytes32 schemaId) external view returns (Schema memory);

    function isTrustedIssuer(bytes32 schemaId, address issuer) external view returns (bool);

    /// @dev A singly anchored credential (zero record if none).
    function getCredential(bytes32 credentialHash) external view returns (Credential memory);

    /// @dev A batched credential's own record in batch `root`, present once its status was changed there.
    function getBatchedCredential(bytes32 root, bytes32 credentialHash) external view returns (Credential memory);

    function getBatch(bytes32 root) external view returns (Batch memory);

    /// @dev Valid / revoked / suspended / expired / not yet valid / unknown for a singly anchored credential, in one call.
    function statusOf(bytes32 credentialHash) external view returns (CredentialStatus);

    /// @dev The same for a credential in the batch `root`; an invalid proof answers Unknown.
    function statusOfBatched(bytes32 root, bytes32 credentialHash, bytes32[] calldata proof)
        external
        view
        returns (CredentialStatus);

    /// @dev The leaf a batched credential hash takes in the Merkle tree.
    function leafOf(bytes32 credentialHash) external pure returns (bytes32);
}
