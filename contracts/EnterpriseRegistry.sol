// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IEnterpriseRegistry} from "./interfaces/IEnterpriseRegistry.sol";
import {IIdentityRegistry} from "./interfaces/IIdentityRegistry.sol";
import {ImiSigned} from "./utils/ImiSigned.sol";
import {ImiRoleChecks} from "./utils/ImiRoleChecks.sol";
import {ImiRoles} from "./utils/ImiRoles.sol";

/// @title EnterpriseRegistry
/// @notice Enterprises, their legal representatives and authorised staff. See {IEnterpriseRegistry}.
contract EnterpriseRegistry is IEnterpriseRegistry, ImiSigned, ImiRoleChecks {
    // keccak256("AppointStaff(bytes32 enterprise,bytes32 staff,uint256 scopes,uint64 expiresAt,uint256 nonce,uint256 deadline)")
    bytes32 public constant APPOINT_STAFF_TYPEHASH = keccak256(
        "AppointStaff(bytes32 enterprise,bytes32 staff,uint256 scopes,uint64 expiresAt,uint256 nonce,uint256 deadline)"
    );
    // keccak256("RemoveStaff(bytes32 enterprise,bytes32 staff,uint256 nonce,uint256 deadline)")
    bytes32 public constant REMOVE_STAFF_TYPEHASH =
        keccak256("RemoveStaff(bytes32 enterprise,bytes32 staff,uint256 nonce,uint256 deadline)");

    IIdentityRegistry private immutable _identities;
    mapping(bytes32 enterprise => Enterprise) private _enterprises;
    mapping(bytes32 enterprise => mapping(bytes32 staff => Staff)) private _staff;

    constructor(address authority, IIdentityRegistry identityRegistry)
        ImiSigned("IMI EnterpriseRegistry", "1")
        ImiRoleChecks(authority)
    {
        _identities = identityRegistry;
    }

    modifier onlyCounter() {
        if (!_hasImiRole(ImiRoles.COUNTER, msg.sender)) revert EnterpriseRegistryUnauthorized(msg.sender, ImiRoles.COUNTER);
        _;
    }

    // ---------------------------------------------------------------- the counter

    /// @inheritdoc IEnterpriseRegistry
    function register(bytes32 enterprise, bytes32 commitment, bytes32 legalRepresentative) external onlyCounter {
        if (enterprise == bytes32(0) || commitment == bytes32(0)) revert EnterpriseRegistryZeroHash();
        if (_enterprises[enterprise].status != EnterpriseStatus.None) revert EnterpriseRegistryAlreadyRegistered(enterprise);
        _requireActiveCitizen(legalRepresentative);
        _enterprises[enterprise] = Enterprise({
            status: EnterpriseStatus.Active,
            registeredAt: _time(),
            deregisteredAt: 0,
            commitment: commitment,
            legalRepresentative: legalRepresentative
        });
        emit EnterpriseRegistered(enterprise, legalRepresentative, msg.sender, commitment);
    }

    /// @inheritdoc IEnterpriseRegistry
    function updateRecord(bytes32 enterprise, bytes32 commitment) external onlyCounter {
        if (commitment == bytes32(0)) revert EnterpriseRegistryZeroHash();
        _activeEnterprise(enterprise).commitment = commitment;
        emit EnterpriseRecordUpdated(enterprise, msg.sender, commitment);
    }

    /// @inheritdoc IEnterpriseRegistry
    function changeLegalRepresentative(bytes32 enterprise, bytes32 newRepresentative) external onlyCounter {
        Enterprise storage record = _activeEnterprise(enterprise);
        _requireActiveCitizen(newRepresentative);
        // One person, one role: a representative who is also staff would keep the staff scopes after losing the office.
        if (_covers(_staff[enterprise][newRepresentative], 0)) revert EnterpriseRegistryStaffActive(enterprise, newRepresentative);
        bytes32 previous = record.legalRepresentative;
        record.legalRepresentative = newRepresentative;
        emit LegalRepresentativeChanged(enterprise, previous, newRepresentative, msg.sender);
    }

    /// @inheritdoc IEnterpriseRegistry
    function deregister(bytes32 enterprise, bytes32 reason) external onlyCounter {
        Enterprise storage record = _activeEnterprise(enterprise);
        record.status = EnterpriseStatus.Deregistered;
        record.deregisteredAt = _time();
        emit EnterpriseDeregistered(enterprise, msg.sender, reason);
    }

    // ---------------------------------------------------------------- staff

    /// @inheritdoc IEnterpriseRegistry
    function appointStaff(bytes32 enterprise, bytes32 staff, uint256 scopes, uint64 expiresAt) external {
        _appointStaff(msg.sender, enterprise, staff, scopes, expiresAt);
    }

    /// @inheritdoc IEnterpriseRegistry
    function appointStaffBySig(
        bytes32 enterprise,
        bytes32 staff,
        uint256 scopes,
        uint64 expiresAt,
        Authorization calldata auth
    ) external {
        bytes32 structHash = keccak256(
            abi.encode(APPOINT_STAFF_TYPEHASH, enterprise, staff, scopes, expiresAt, nonces(auth.signer), auth.deadline)
        );
        _appointStaff(_useAuthorization(auth, structHash), enterprise, staff, scopes, expiresAt);
    }

    /// @inheritdoc IEnterpriseRegistry
    function removeStaff(bytes32 enterprise, bytes32 staff) external {
        _removeStaff(msg.sender, enterprise, staff, _hasImiRole(ImiRoles.COUNTER, msg.sender));
    }

    /// @inheritdoc IEnterpriseRegistry
    function removeStaffBySig(bytes32 enterprise, bytes32 staff, Authorization calldata auth) external {
        bytes32 structHash =
            keccak256(abi.encode(REMOVE_STAFF_TYPEHASH, enterprise, staff, nonces(auth.signer), auth.deadline));
        _removeStaff(_useAuthorization(auth, structHash), enterprise, staff, false);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IEnterpriseRegistry
    function getEnterprise(bytes32 enterprise) external view returns (Enterprise memory) {
        return _enterprises[enterprise];
    }

    /// @inheritdoc IEnterpriseRegistry
    function isActive(bytes32 enterprise) public view returns (bool) {
        return _enterprises[enterprise].status == EnterpriseStatus.Active;
    }

    /// @inheritdoc IEnterpriseRegistry
    function getStaff(bytes32 enterprise, bytes32 staff) external view returns (Staff memory) {
        return _staff[enterprise][staff];
    }

    /// @inheritdoc IEnterpriseRegistry
    function isStaff(bytes32 enterprise, bytes32 staff, uint256 scopes) external view returns (bool) {
        return isActive(enterprise) && _identities.isActive(staff) && _covers(_staff[enterprise][staff], scopes);
    }

    /// @inheritdoc IEnterpriseRegistry
    function authorizes(bytes32 enterprise, address actor, uint256 scopes)
        external
        view
        returns (bool allowed, bytes32 citizen, bool asLegalRepresentative)
    {
        if (!isActive(enterprise) || actor == address(0)) return (false, bytes32(0), false);
        citizen = _identities.identityOf(actor);
        if (citizen == bytes32(0) || !_identities.isActive(citizen)) return (false, citizen, false);
        if (citizen == _enterprises[enterprise].legalRepresentative) return (true, citizen, true);
        return (_covers(_staff[enterprise][citizen], scopes), citizen, false);
    }

    /// @inheritdoc IEnterpriseRegistry
    function enterpriseIdOf(string calldata code) external pure returns (bytes32) {
        return keccak256(abi.encode("IMI enterprise", code));
    }

    // ---------------------------------------------------------------- internals

    function _appointStaff(address actor, bytes32 enterprise, bytes32 staff, uint256 scopes, uint64 expiresAt) private {
        Enterprise storage record = _activeEnterprise(enterprise);
        _requireLegalRepresentative(record, enterprise, actor);
        _requireActiveCitizen(staff);
        if (staff == record.legalRepresentative) revert EnterpriseRegistryStaffIsRepresentative(enterprise, staff);
        if (scopes == 0) revert EnterpriseRegistryInvalidScopes();
        if (expiresAt <= _time()) revert EnterpriseRegistryInvalidExpiry(expiresAt);
        if (_covers(_staff[enterprise][staff], 0)) revert EnterpriseRegistryStaffActive(enterprise, staff);
        // An ended appointment is overwritten by a new one; its history stays in the events.
        _staff[enterprise][staff] = Staff({scopes: scopes, appointedAt: _time(), expiresAt: expiresAt, removedAt: 0});
        emit StaffAppointed(enterprise, staff, actor, scopes, expiresAt);
    }

    function _removeStaff(address actor, bytes32 enterprise, bytes32 staff, bool actorIsCounter) private {
        Enterprise storage record = _enterprises[enterprise];
        if (record.status == EnterpriseStatus.None) revert EnterpriseRegistryUnknownEnterprise(enterprise);
        if (!actorIsCounter && actor != _identities.controllerOf(staff)) {
            if (record.status != EnterpriseStatus.Active || actor != _identities.controllerOf(record.legalRepresentative)) {
                revert EnterpriseRegistryRemoveUnauthorized(enterprise, actor);
            }
        }
        Staff storage appointment = _staff[enterprise][staff];
        if (appointment.appointedAt == 0 || appointment.removedAt != 0) revert EnterpriseRegistryNotStaff(enterprise, staff);
        appointment.removedAt = _time();
        emit StaffRemoved(enterprise, staff, actor);
    }

    /// @dev Appointed, not removed, not expired, and holding every bit of `scopes` (0 asks only the first three).
    function _covers(Staff storage appointment, uint256 scopes) private view returns (bool) {
        return appointment.appointedAt != 0 && appointment.removedAt == 0 && _time() < appointment.expiresAt
            && scopes & ~appointment.scopes == 0;
    }

    function _requireLegalRepresentative(Enterprise storage record, bytes32 enterprise, address account) private view {
        bytes32 representative = record.legalRepresentative;
        if (!_identities.isActive(representative) || _identities.controllerOf(representative) != account) {
            revert EnterpriseRegistryNotLegalRepresentative(enterprise, account);
        }
    }

    function _requireActiveCitizen(bytes32 citizen) private view {
        if (!_identities.isActive(citizen)) revert EnterpriseRegistryInactiveCitizen(citizen);
    }

    function _activeEnterprise(bytes32 enterprise) private view returns (Enterprise storage record) {
        record = _enterprises[enterprise];
        if (record.status == EnterpriseStatus.None) revert EnterpriseRegistryUnknownEnterprise(enterprise);
        if (record.status != EnterpriseStatus.Active) revert EnterpriseRegistryInactiveEnterprise(enterprise);
    }
}
