// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IImiSigned} from "./IImiSigned.sol";

/**
 * @title IIdentityRegistry
 * @dev Citizens' identities. An identity is a random 32-byte id chosen at the service window; it
 * holds the controller key (the citizen's key that signs "I am me"), a commitment (salted hash of
 * the off-chain record kept in the vault) and an assurance level. No personal data is stored or
 * emitted: only ids, keys, hashes and times.
 *
 * Key changes: the controller rotates its own key (directly or by signature). A lost key is
 * replaced through recovery, which a registrar starts and which takes effect only after the
 * recovery delay, during which the current key can cancel it.
 */
interface IIdentityRegistry is IImiSigned {
    enum IdentityStatus {
        None,
        Active,
        Deactivated
    }

    /// @dev One row of {registerBatch}: the same four values {register} takes.
    struct Registration {
        bytes32 citizen;
        address controller;
        bytes32 commitment;
        uint8 level;
    }

    struct Identity {
        address controller;
        IdentityStatus status;
        uint8 level;
        uint64 registeredAt;
        uint64 deactivatedAt;
        bytes32 commitment;
    }

    struct Recovery {
        address newController;
        address registrar;
        uint64 executableAt;
    }

    struct Guardian {
        uint256 scopes;
        uint64 addedAt;
        uint64 expiresAt;
        uint64 removedAt;
    }

    struct Attestation {
        address attester;
        uint64 issuedAt;
        uint64 expiresAt;
        uint64 revokedAt;
        bytes32 subject;
        bytes32 topic;
        bytes32 valueHash;
    }

    event IdentityRegistered(
        bytes32 indexed citizen, address indexed controller, address indexed registrar, bytes32 commitment, uint8 level
    );
    event RecordUpdated(bytes32 indexed citizen, address indexed registrar, bytes32 commitment, uint8 level);
    /// @dev `byRecovery` tells a completed recovery from a rotation signed by the old key.
    event ControllerChanged(
        bytes32 indexed citizen, address indexed previousController, address indexed newController, bool byRecovery
    );
    event RecoveryInitiated(
        bytes32 indexed citizen, address indexed registrar, address indexed newController, uint64 executableAt
    );
    event RecoveryCancelled(bytes32 indexed citizen, address indexed cancelledBy);
    event RecoveryDelayChanged(uint32 previousDelay, uint32 newDelay);
    event GuardianAdded(
        bytes32 indexed citizen, address indexed guardian, address indexed addedBy, uint256 scopes, uint64 expiresAt
    );
    event GuardianRemoved(bytes32 indexed citizen, address indexed guardian, address indexed removedBy);
    /// @dev `reason` is a code (for example keccak256("deceased")), never free text.
    event IdentityDeactivated(bytes32 indexed citizen, address indexed registrar, bytes32 reason);
    event Attested(
        bytes32 indexed uid,
        bytes32 indexed subject,
        address indexed attester,
        bytes32 topic,
        bytes32 valueHash,
        uint64 expiresAt
    );
    event AttestationRevoked(bytes32 indexed uid, address indexed attester);

    error IdentityRegistryZeroAddress();
    error IdentityRegistryZeroHash();
    error IdentityRegistryInvalidLevel(uint8 level);
    error IdentityRegistryAlreadyRegistered(bytes32 citizen);
    error IdentityRegistryUnknownIdentity(bytes32 citizen);
    error IdentityRegistryInactiveIdentity(bytes32 citizen);
    error IdentityRegistryKeyInUse(address key);
    error IdentityRegistryNotController(bytes32 citizen, address account);
    error IdentityRegistryRecoveryPending(bytes32 citizen, uint64 executableAt);
    error IdentityRegistryNoRecoveryPending(bytes32 citizen);
    error IdentityRegistryRecoveryNotReady(bytes32 citizen, uint64 executableAt);
    error IdentityRegistryRecoveryDelayTooShort(uint32 delay, uint32 minimum);
    error IdentityRegistryInvalidExpiry(uint64 expiresAt);
    error IdentityRegistryInvalidScopes();
    error IdentityRegistryGuardianActive(bytes32 citizen, address guardian);
    error IdentityRegistryNotGuardian(bytes32 citizen, address guardian);
    error IdentityRegistryUnauthorized(bytes32 citizen, address account);
    error IdentityRegistryUnknownAttestation(bytes32 uid);
    error IdentityRegistryAttestationRevoked(bytes32 uid);
    /// @dev A batch must hold 1..{MAX_BATCH} registrations.
    error IdentityRegistryInvalidBatchSize(uint256 size, uint256 max);

    /**
     * @dev Registers `citizen` with `controller` as its key.
     *
     * Requirements:
     * - caller has the registrar role;
     * - `citizen`, `commitment` non-zero; `controller` non-zero and never used by any identity;
     * - `level` in 1..3 (low, substantial, high);
     * - `citizen` not registered before (also not a deactivated one).
     */
    function register(bytes32 citizen, address controller, bytes32 commitment, uint8 level) external;

    /**
     * @dev Registers every row of `registrations` exactly as {register} would, one
     * `IdentityRegistered` event per citizen, in order. All or nothing: the first row that
     * {register} would refuse reverts the whole batch with that row's error (the errors carry the
     * citizen or key, so the caller can find the row, set it aside and send the rest again).
     *
     * Requirements:
     * - caller has the registrar role;
     * - 1..{MAX_BATCH} rows (a bounded loop);
     * - every row meets {register}'s requirements, also against the rows before it in the batch.
     */
    function registerBatch(Registration[] calldata registrations) external;

    /// @dev A registrar records a new commitment (the record changed) and level. Requirements: active identity.
    function updateRecord(bytes32 citizen, bytes32 commitment, uint8 level) external;

    /**
     * @dev The controller replaces its own key. Requirements: caller is the controller of an active
     * identity; `newController` non-zero and never used. Any pending recovery is cancelled.
     */
    function rotateKey(bytes32 citizen, address newController) external;

    /// @dev {rotateKey} signed by the current controller and relayed by anyone.
    /// Typed data: `RotateKey(bytes32 citizen,address newController,uint256 nonce,uint256 deadline)`.
    function rotateKeyBySig(bytes32 citizen, address newController, Authorization calldata auth) external;

    /**
     * @dev A registrar starts replacing a lost key. Takes effect through {completeRecovery} after
     * {recoveryDelay}; the current controller can {cancelRecovery} until then.
     *
     * Requirements: registrar role; active identity; no recovery pending; `newController` non-zero, unused.
     */
    function initiateRecovery(bytes32 citizen, address newController) external;

    /// @dev The current controller (the key that is supposedly lost) stops a pending recovery.
    function cancelRecovery(bytes32 citizen) external;

    /// @dev {cancelRecovery} signed by the current controller.
    /// Typed data: `CancelRecovery(bytes32 citizen,uint256 nonce,uint256 deadline)`.
    function cancelRecoveryBySig(bytes32 citizen, Authorization calldata auth) external;

    /// @dev Anyone completes a recovery whose delay has passed.
    function completeRecovery(bytes32 citizen) external;

    /// @dev The governor sets the recovery delay (at least one hour).
    function setRecoveryDelay(uint32 delay) external;

    /**
     * @dev The controller appoints `guardian` to act for the citizen over `scopes` (a bitmask of
     * data categories) until `expiresAt`. Requirements: active identity; guardian non-zero and not
     * the controller; scopes non-zero; expiry in the future; guardian not already active.
     */
    function addGuardian(bytes32 citizen, address guardian, uint256 scopes, uint64 expiresAt) external;

    /// @dev {addGuardian} signed by the controller.
    /// Typed data: `AddGuardian(bytes32 citizen,address guardian,uint256 scopes,uint64 expiresAt,uint256 nonce,uint256 deadline)`.
    function addGuardianBySig(
        bytes32 citizen,
        address guardian,
        uint256 scopes,
        uint64 expiresAt,
        Authorization calldata auth
    ) external;

    /// @dev A registrar appoints a guardian for a citizen who cannot act (a minor, a ward). Same rules as {addGuardian}.
    function appointGuardian(bytes32 citizen, address guardian, uint256 scopes, uint64 expiresAt) external;

    /// @dev The controller, a registrar, or the guardian itself ends a guardianship (records the time).
    function removeGuardian(bytes32 citizen, address guardian) external;

    /// @dev {removeGuardian} signed by the controller or the guardian.
    /// Typed data: `RemoveGuardian(bytes32 citizen,address guardian,uint256 nonce,uint256 deadline)`.
    function removeGuardianBySig(bytes32 citizen, address guardian, Authorization calldata auth) external;

    /// @dev A registrar deactivates an identity (death, emigration). Final; the controller key stays burnt.
    function deactivate(bytes32 citizen, bytes32 reason) external;

    /**
     * @dev An attester states something about `subject` (`topic`, hash of the value) until `expiresAt`
     * (0 = no expiry). Requirements: attester role; active subject; non-zero topic and value hash.
     */
    function attest(bytes32 subject, bytes32 topic, bytes32 valueHash, uint64 expiresAt) external returns (bytes32 uid);

    /// @dev The attester that made `uid` revokes it (records the time).
    function revokeAttestation(bytes32 uid) external;

    function getIdentity(bytes32 citizen) external view returns (Identity memory);

    /// @dev The identity `key` currently controls, or zero.
    function identityOf(address key) external view returns (bytes32);

    function isActive(bytes32 citizen) external view returns (bool);

    function controllerOf(bytes32 citizen) external view returns (address);

    function getRecovery(bytes32 citizen) external view returns (Recovery memory);

    function recoveryDelay() external view returns (uint32);

    function getGuardian(bytes32 citizen, address guardian) external view returns (Guardian memory);

    /// @dev Whether `guardian` may act now for `citizen` over every category in `scopes`.
    function isGuardian(bytes32 citizen, address guardian, uint256 scopes) external view returns (bool);

    /**
     * @dev Whether `actor` may act now for the active identity `citizen` over `scopes`: as its
     * controller, or as a guardian whose scopes cover `scopes`.
     */
    function authorizes(bytes32 citizen, address actor, uint256 scopes)
        external
        view
        returns (bool allowed, bool asGuardian);

    function getAttestation(bytes32 uid) external view returns (Attestation memory);

    /// @dev Not revoked, not expired, and its subject is still active.
    function isAttestationValid(bytes32 uid) external view returns (bool);
}
