// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";
import {IIdentityRegistry} from "./interfaces/IIdentityRegistry.sol";
import {ImiSigned} from "./utils/ImiSigned.sol";
import {ImiRoles} from "./utils/ImiRoles.sol";

/// @title IdentityRegistry
/// @notice Citizens' identities, keys, guardians and attestations. See {IIdentityRegistry}.
contract IdentityRegistry is IIdentityRegistry, ImiSigned, AccessManaged {
    // keccak256("RotateKey(bytes32 citizen,address newController,uint256 nonce,uint256 deadline)")
    bytes32 public constant ROTATE_KEY_TYPEHASH =
        keccak256("RotateKey(bytes32 citizen,address newController,uint256 nonce,uint256 deadline)");
    // keccak256("CancelRecovery(bytes32 citizen,uint256 nonce,uint256 deadline)")
    bytes32 public constant CANCEL_RECOVERY_TYPEHASH =
        keccak256("CancelRecovery(bytes32 citizen,uint256 nonce,uint256 deadline)");
    // keccak256("AddGuardian(bytes32 citizen,address guardian,uint256 scopes,uint64 expiresAt,uint256 nonce,uint256 deadline)")
    bytes32 public constant ADD_GUARDIAN_TYPEHASH = keccak256(
        "AddGuardian(bytes32 citizen,address guardian,uint256 scopes,uint64 expiresAt,uint256 nonce,uint256 deadline)"
    );
    // keccak256("RemoveGuardian(bytes32 citizen,address guardian,uint256 nonce,uint256 deadline)")
    bytes32 public constant REMOVE_GUARDIAN_TYPEHASH =
        keccak256("RemoveGuardian(bytes32 citizen,address guardian,uint256 nonce,uint256 deadline)");

    uint8 public constant MAX_LEVEL = 3;
    /// @dev About 97k gas a row (measured): 500 rows stay under 60M, a common block gas limit.
    uint256 public constant MAX_BATCH = 500;
    /// @dev Shorter than this and a stolen registrar key could take over an identity before its owner notices.
    uint32 public constant MIN_RECOVERY_DELAY = 1 hours;

    mapping(bytes32 citizen => Identity) private _identities;
    mapping(address key => bytes32 citizen) private _identityOfKey;
    /// @dev A key once bound to an identity is never bound again, so old signatures can't follow it elsewhere.
    mapping(address key => bool) private _keyUsed;
    mapping(bytes32 citizen => Recovery) private _recoveries;
    mapping(bytes32 citizen => mapping(address guardian => Guardian)) private _guardians;
    mapping(bytes32 uid => Attestation) private _attestations;
    uint256 private _attestationCount;
    uint32 private _recoveryDelay;

    constructor(address authority, uint32 initialRecoveryDelay)
        ImiSigned("IMI IdentityRegistry", "1")
        AccessManaged(authority)
    {
        if (initialRecoveryDelay < MIN_RECOVERY_DELAY) {
            revert IdentityRegistryRecoveryDelayTooShort(initialRecoveryDelay, MIN_RECOVERY_DELAY);
        }
        _recoveryDelay = initialRecoveryDelay;
    }

    // ---------------------------------------------------------------- registration

    /// @inheritdoc IIdentityRegistry
    function register(bytes32 citizen, address controller, bytes32 commitment, uint8 level) external restricted {
        _register(citizen, controller, commitment, level);
    }

    /// @inheritdoc IIdentityRegistry
    function registerBatch(Registration[] calldata registrations) external restricted {
        uint256 size = registrations.length;
        if (size == 0 || size > MAX_BATCH) revert IdentityRegistryInvalidBatchSize(size, MAX_BATCH);
        for (uint256 i = 0; i < size; ++i) {
            Registration calldata r = registrations[i];
            _register(r.citizen, r.controller, r.commitment, r.level);
        }
    }

    /// @inheritdoc IIdentityRegistry
    function updateRecord(bytes32 citizen, bytes32 commitment, uint8 level) external restricted {
        if (commitment == bytes32(0)) revert IdentityRegistryZeroHash();
        if (level == 0 || level > MAX_LEVEL) revert IdentityRegistryInvalidLevel(level);
        Identity storage identity = _activeIdentity(citizen);
        identity.commitment = commitment;
        identity.level = level;
        emit RecordUpdated(citizen, msg.sender, commitment, level);
    }

    /// @inheritdoc IIdentityRegistry
    function deactivate(bytes32 citizen, bytes32 reason) external restricted {
        if (reason == bytes32(0)) revert IdentityRegistryZeroHash();
        Identity storage identity = _activeIdentity(citizen);
        identity.status = IdentityStatus.Deactivated;
        identity.deactivatedAt = _time();
        // The key stays marked as used; only the lookup from key to identity ends.
        delete _identityOfKey[identity.controller];
        emit IdentityDeactivated(citizen, msg.sender, reason);
    }

    // ---------------------------------------------------------------- keys

    /// @inheritdoc IIdentityRegistry
    function rotateKey(bytes32 citizen, address newController) external {
        _rotateKey(msg.sender, citizen, newController);
    }

    /// @inheritdoc IIdentityRegistry
    function rotateKeyBySig(bytes32 citizen, address newController, Authorization calldata auth) external {
        bytes32 structHash = keccak256(
            abi.encode(ROTATE_KEY_TYPEHASH, citizen, newController, nonces(auth.signer), auth.deadline)
        );
        _rotateKey(_useAuthorization(auth, structHash), citizen, newController);
    }

    /// @inheritdoc IIdentityRegistry
    function initiateRecovery(bytes32 citizen, address newController) external restricted {
        _activeIdentity(citizen);
        Recovery storage pending = _recoveries[citizen];
        if (pending.executableAt != 0) revert IdentityRegistryRecoveryPending(citizen, pending.executableAt);
        _checkFreshKey(newController);
        uint64 executableAt = _time() + _recoveryDelay;
        _recoveries[citizen] = Recovery({newController: newController, registrar: msg.sender, executableAt: executableAt});
        emit RecoveryInitiated(citizen, msg.sender, newController, executableAt);
    }

    /// @inheritdoc IIdentityRegistry
    function cancelRecovery(bytes32 citizen) external {
        _cancelRecovery(msg.sender, citizen);
    }

    /// @inheritdoc IIdentityRegistry
    function cancelRecoveryBySig(bytes32 citizen, Authorization calldata auth) external {
        bytes32 structHash = keccak256(abi.encode(CANCEL_RECOVERY_TYPEHASH, citizen, nonces(auth.signer), auth.deadline));
        _cancelRecovery(_useAuthorization(auth, structHash), citizen);
    }

    /// @inheritdoc IIdentityRegistry
    function completeRecovery(bytes32 citizen) external {
        Identity storage identity = _activeIdentity(citizen);
        Recovery memory pending = _recoveries[citizen];
        if (pending.executableAt == 0) revert IdentityRegistryNoRecoveryPending(citizen);
        if (_time() < pending.executableAt) revert IdentityRegistryRecoveryNotReady(citizen, pending.executableAt);
        delete _recoveries[citizen];
        _replaceController(citizen, identity, pending.newController, true);
    }

    /// @inheritdoc IIdentityRegistry
    function setRecoveryDelay(uint32 delay) external restricted {
        if (delay < MIN_RECOVERY_DELAY) revert IdentityRegistryRecoveryDelayTooShort(delay, MIN_RECOVERY_DELAY);
        emit RecoveryDelayChanged(_recoveryDelay, delay);
        _recoveryDelay = delay;
    }

    // ---------------------------------------------------------------- guardians

    /// @inheritdoc IIdentityRegistry
    function addGuardian(bytes32 citizen, address guardian, uint256 scopes, uint64 expiresAt) external {
        _requireController(citizen, msg.sender);
        _addGuardian(msg.sender, citizen, guardian, scopes, expiresAt);
    }

    /// @inheritdoc IIdentityRegistry
    function addGuardianBySig(
        bytes32 citizen,
        address guardian,
        uint256 scopes,
        uint64 expiresAt,
        Authorization calldata auth
    ) external {
        bytes32 structHash = keccak256(
            abi.encode(ADD_GUARDIAN_TYPEHASH, citizen, guardian, scopes, expiresAt, nonces(auth.signer), auth.deadline)
        );
        address signer = _useAuthorization(auth, structHash);
        _requireController(citizen, signer);
        _addGuardian(signer, citizen, guardian, scopes, expiresAt);
    }

    /// @inheritdoc IIdentityRegistry
    function appointGuardian(bytes32 citizen, address guardian, uint256 scopes, uint64 expiresAt) external restricted {
        _addGuardian(msg.sender, citizen, guardian, scopes, expiresAt);
    }

    /// @inheritdoc IIdentityRegistry
    function removeGuardian(bytes32 citizen, address guardian) external {
        // A registrar may always end a guardianship (court order); others go through _removeGuardian's checks.
        _removeGuardian(msg.sender, citizen, guardian, _isRegistrar(msg.sender));
    }

    /// @inheritdoc IIdentityRegistry
    function removeGuardianBySig(bytes32 citizen, address guardian, Authorization calldata auth) external {
        bytes32 structHash = keccak256(
            abi.encode(REMOVE_GUARDIAN_TYPEHASH, citizen, guardian, nonces(auth.signer), auth.deadline)
        );
        _removeGuardian(_useAuthorization(auth, structHash), citizen, guardian, false);
    }

    // ---------------------------------------------------------------- attestations

    /// @inheritdoc IIdentityRegistry
    function attest(bytes32 subject, bytes32 topic, bytes32 valueHash, uint64 expiresAt)
        external
        restricted
        returns (bytes32 uid)
    {
        if (topic == bytes32(0) || valueHash == bytes32(0)) revert IdentityRegistryZeroHash();
        if (expiresAt != 0 && expiresAt <= _time()) revert IdentityRegistryInvalidExpiry(expiresAt);
        _activeIdentity(subject);
        uid = keccak256(abi.encode(block.chainid, address(this), ++_attestationCount));
        _attestations[uid] = Attestation({
            attester: msg.sender,
            issuedAt: _time(),
            expiresAt: expiresAt,
            revokedAt: 0,
            subject: subject,
            topic: topic,
            valueHash: valueHash
        });
        emit Attested(uid, subject, msg.sender, topic, valueHash, expiresAt);
    }

    /// @inheritdoc IIdentityRegistry
    function revokeAttestation(bytes32 uid) external {
        Attestation storage attestation = _attestations[uid];
        if (attestation.issuedAt == 0) revert IdentityRegistryUnknownAttestation(uid);
        if (attestation.attester != msg.sender) revert IdentityRegistryUnauthorized(attestation.subject, msg.sender);
        if (attestation.revokedAt != 0) revert IdentityRegistryAttestationRevoked(uid);
        attestation.revokedAt = _time();
        emit AttestationRevoked(uid, msg.sender);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IIdentityRegistry
    function getIdentity(bytes32 citizen) external view returns (Identity memory) {
        return _identities[citizen];
    }

    /// @inheritdoc IIdentityRegistry
    function identityOf(address key) external view returns (bytes32) {
        return _identityOfKey[key];
    }

    /// @inheritdoc IIdentityRegistry
    function isActive(bytes32 citizen) public view returns (bool) {
        return _identities[citizen].status == IdentityStatus.Active;
    }

    /// @inheritdoc IIdentityRegistry
    function controllerOf(bytes32 citizen) external view returns (address) {
        return _identities[citizen].controller;
    }

    /// @inheritdoc IIdentityRegistry
    function getRecovery(bytes32 citizen) external view returns (Recovery memory) {
        return _recoveries[citizen];
    }

    /// @inheritdoc IIdentityRegistry
    function recoveryDelay() external view returns (uint32) {
        return _recoveryDelay;
    }

    /// @inheritdoc IIdentityRegistry
    function getGuardian(bytes32 citizen, address guardian) external view returns (Guardian memory) {
        return _guardians[citizen][guardian];
    }

    /// @inheritdoc IIdentityRegistry
    function isGuardian(bytes32 citizen, address guardian, uint256 scopes) public view returns (bool) {
        if (!isActive(citizen)) return false;
        return _guardianCovers(_guardians[citizen][guardian], scopes);
    }

    /// @inheritdoc IIdentityRegistry
    function authorizes(bytes32 citizen, address actor, uint256 scopes)
        external
        view
        returns (bool allowed, bool asGuardian)
    {
        Identity storage identity = _identities[citizen];
        if (identity.status != IdentityStatus.Active || actor == address(0)) return (false, false);
        if (identity.controller == actor) return (true, false);
        if (_guardianCovers(_guardians[citizen][actor], scopes)) return (true, true);
        return (false, false);
    }

    /// @inheritdoc IIdentityRegistry
    function getAttestation(bytes32 uid) external view returns (Attestation memory) {
        return _attestations[uid];
    }

    /// @inheritdoc IIdentityRegistry
    function isAttestationValid(bytes32 uid) external view returns (bool) {
        Attestation storage attestation = _attestations[uid];
        return attestation.issuedAt != 0 && attestation.revokedAt == 0
            && (attestation.expiresAt == 0 || _time() < attestation.expiresAt) && isActive(attestation.subject);
    }

    // ---------------------------------------------------------------- internals

    /// @dev The one registration path behind {register} and {registerBatch}.
    function _register(bytes32 citizen, address controller, bytes32 commitment, uint8 level) private {
        if (citizen == bytes32(0) || commitment == bytes32(0)) revert IdentityRegistryZeroHash();
        if (level == 0 || level > MAX_LEVEL) revert IdentityRegistryInvalidLevel(level);
        if (_identities[citizen].status != IdentityStatus.None) revert IdentityRegistryAlreadyRegistered(citizen);
        _bindKey(citizen, controller);
        _identities[citizen] = Identity({
            controller: controller,
            status: IdentityStatus.Active,
            level: level,
            registeredAt: _time(),
            deactivatedAt: 0,
            commitment: commitment
        });
        emit IdentityRegistered(citizen, controller, msg.sender, commitment, level);
    }

    function _rotateKey(address actor, bytes32 citizen, address newController) private {
        Identity storage identity = _requireController(citizen, actor);
        if (_recoveries[citizen].executableAt != 0) {
            // The holder of the current key is plainly not locked out: a pending recovery is moot.
            delete _recoveries[citizen];
            emit RecoveryCancelled(citizen, actor);
        }
        _replaceController(citizen, identity, newController, false);
    }

    function _cancelRecovery(address actor, bytes32 citizen) private {
        _requireController(citizen, actor);
        if (_recoveries[citizen].executableAt == 0) revert IdentityRegistryNoRecoveryPending(citizen);
        delete _recoveries[citizen];
        emit RecoveryCancelled(citizen, actor);
    }

    function _replaceController(bytes32 citizen, Identity storage identity, address newController, bool byRecovery)
        private
    {
        address previous = identity.controller;
        _bindKey(citizen, newController);
        delete _identityOfKey[previous];
        identity.controller = newController;
        emit ControllerChanged(citizen, previous, newController, byRecovery);
    }

    function _addGuardian(address actor, bytes32 citizen, address guardian, uint256 scopes, uint64 expiresAt) private {
        Identity storage identity = _activeIdentity(citizen);
        if (guardian == address(0)) revert IdentityRegistryZeroAddress();
        if (guardian == identity.controller) revert IdentityRegistryKeyInUse(guardian);
        if (scopes == 0) revert IdentityRegistryInvalidScopes();
        if (expiresAt <= _time()) revert IdentityRegistryInvalidExpiry(expiresAt);
        Guardian storage existing = _guardians[citizen][guardian];
        if (existing.addedAt != 0 && existing.removedAt == 0 && _time() < existing.expiresAt) {
            revert IdentityRegistryGuardianActive(citizen, guardian);
        }
        // An ended guardianship is overwritten by a new appointment; its history stays in the events.
        _guardians[citizen][guardian] =
            Guardian({scopes: scopes, addedAt: _time(), expiresAt: expiresAt, removedAt: 0});
        emit GuardianAdded(citizen, guardian, actor, scopes, expiresAt);
    }

    function _removeGuardian(address actor, bytes32 citizen, address guardian, bool actorIsRegistrar) private {
        Identity storage identity = _identities[citizen];
        if (identity.status == IdentityStatus.None) revert IdentityRegistryUnknownIdentity(citizen);
        if (!actorIsRegistrar && actor != guardian && actor != identity.controller) {
            revert IdentityRegistryUnauthorized(citizen, actor);
        }
        Guardian storage record = _guardians[citizen][guardian];
        if (record.addedAt == 0 || record.removedAt != 0) revert IdentityRegistryNotGuardian(citizen, guardian);
        record.removedAt = _time();
        emit GuardianRemoved(citizen, guardian, actor);
    }

    function _guardianCovers(Guardian storage record, uint256 scopes) private view returns (bool) {
        return record.addedAt != 0 && record.removedAt == 0 && _time() < record.expiresAt
            && scopes & ~record.scopes == 0;
    }

    function _bindKey(bytes32 citizen, address key) private {
        _checkFreshKey(key);
        _keyUsed[key] = true;
        _identityOfKey[key] = citizen;
    }

    function _checkFreshKey(address key) private view {
        if (key == address(0)) revert IdentityRegistryZeroAddress();
        if (_keyUsed[key]) revert IdentityRegistryKeyInUse(key);
    }

    function _activeIdentity(bytes32 citizen) private view returns (Identity storage identity) {
        identity = _identities[citizen];
        if (identity.status == IdentityStatus.None) revert IdentityRegistryUnknownIdentity(citizen);
        if (identity.status != IdentityStatus.Active) revert IdentityRegistryInactiveIdentity(citizen);
    }

    function _requireController(bytes32 citizen, address account) private view returns (Identity storage identity) {
        identity = _activeIdentity(citizen);
        if (identity.controller != account) revert IdentityRegistryNotController(citizen, account);
    }

    /// @dev Whether `account` holds the registrar role (with no execution delay), asked without reverting.
    function _isRegistrar(address account) private view returns (bool) {
        (bool isMember, uint32 delay) = IAccessManager(authority()).hasRole(ImiRoles.REGISTRAR, account);
        return isMember && delay == 0;
    }
}
