// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ICreditRegistry} from "./interfaces/ICreditRegistry.sol";
import {ICredentialRegistry} from "./interfaces/ICredentialRegistry.sol";
import {IEnterpriseRegistry} from "./interfaces/IEnterpriseRegistry.sol";
import {IIdentityRegistry} from "./interfaces/IIdentityRegistry.sol";
import {ImiSigned} from "./utils/ImiSigned.sol";
import {ImiRoleChecks} from "./utils/ImiRoleChecks.sol";
import {ImiRoles} from "./utils/ImiRoles.sol";

/// @title CreditRegistry
/// @notice Red and black lists with credit repair. See {ICreditRegistry}.
contract CreditRegistry is ICreditRegistry, ImiSigned, ImiRoleChecks {
    // keccak256("ApplyForRepair(bytes32 entryId,bytes32 evidenceHash,uint256 nonce,uint256 deadline)")
    bytes32 public constant APPLY_FOR_REPAIR_TYPEHASH =
        keccak256("ApplyForRepair(bytes32 entryId,bytes32 evidenceHash,uint256 nonce,uint256 deadline)");
    /// @dev The ENTERPRISE_SCOPES bit (SDK) a representative needs to apply for repair for its enterprise.
    uint256 public constant ENTERPRISE_SCOPE_CREDIT = 1 << 2;

    IIdentityRegistry private immutable _identities;
    IEnterpriseRegistry private immutable _enterprises;
    ICredentialRegistry private immutable _credentials;

    mapping(bytes32 schemaId => CreditList) private _lists;
    mapping(bytes32 entryId => Entry) private _entries;
    mapping(bytes32 subject => mapping(bytes32 schemaId => bytes32[] entryIds)) private _entriesOf;
    mapping(uint256 repairId => RepairApplication) private _repairs;
    mapping(bytes32 entryId => uint256 repairId) private _pendingRepair;
    uint256 private _repairCount;

    constructor(
        address authority,
        IIdentityRegistry identityRegistry,
        IEnterpriseRegistry enterpriseRegistry,
        ICredentialRegistry credentialRegistry
    ) ImiSigned("IMI CreditRegistry", "1") ImiRoleChecks(authority) {
        _identities = identityRegistry;
        _enterprises = enterpriseRegistry;
        _credentials = credentialRegistry;
    }

    // ---------------------------------------------------------------- lists and entries

    /// @inheritdoc ICreditRegistry
    function defineList(bytes32 schemaId, ListKind kind, bool published) external {
        if (!_hasImiRole(ImiRoles.GOVERNOR, msg.sender)) revert CreditRegistryUnauthorized(msg.sender, ImiRoles.GOVERNOR);
        if (kind == ListKind.None) revert CreditRegistryInvalidKind();
        if (_credentials.getSchema(schemaId).registeredAt == 0) revert CreditRegistryUnknownSchema(schemaId);
        if (_lists[schemaId].kind != ListKind.None) revert CreditRegistryListExists(schemaId);
        _lists[schemaId] = CreditList({kind: kind, published: published, definedAt: _time()});
        emit CreditListDefined(schemaId, kind, published);
    }

    /// @inheritdoc ICreditRegistry
    function recordEntry(
        bytes32 entryId,
        bytes32 subject,
        bytes32 schemaId,
        bytes32 legalBasis,
        uint16 reason,
        uint64 startsAt,
        uint64 endsAt
    ) external {
        ListKind kind = _lists[schemaId].kind;
        if (kind == ListKind.None) revert CreditRegistryUnknownList(schemaId);
        _requireAuthority(schemaId, msg.sender);
        if (entryId == bytes32(0) || legalBasis == bytes32(0)) revert CreditRegistryZeroHash();
        if (_entries[entryId].recordedAt != 0) revert CreditRegistryEntryExists(entryId);
        if (endsAt != 0 && (endsAt <= startsAt || endsAt <= _time())) revert CreditRegistryInvalidWindow(startsAt, endsAt);
        SubjectKind subjectKind = _subjectKind(subject);
        _entries[entryId] = Entry({
            subject: subject,
            schemaId: schemaId,
            legalBasis: legalBasis,
            authority: msg.sender,
            subjectKind: subjectKind,
            reason: reason,
            endReason: 0,
            startsAt: startsAt,
            endsAt: endsAt,
            recordedAt: _time(),
            endedAt: 0
        });
        _entriesOf[subject][schemaId].push(entryId);
        emit CreditEntryRecorded(entryId, subject, schemaId, msg.sender, kind, legalBasis, reason, startsAt, endsAt);
    }

    /// @inheritdoc ICreditRegistry
    function endEntry(bytes32 entryId, uint16 reason) external {
        Entry storage entry = _knownEntry(entryId);
        _requireAuthority(entry.schemaId, msg.sender);
        EntryStatus status = _status(entry);
        if (status != EntryStatus.Listed && status != EntryStatus.NotYetListed) {
            revert CreditRegistryEntryNotActive(entryId, status);
        }
        _end(entry, entryId, reason, 0);
    }

    // ---------------------------------------------------------------- repair

    /// @inheritdoc ICreditRegistry
    function applyForRepair(bytes32 entryId, bytes32 evidenceHash) external returns (uint256) {
        return _applyForRepair(msg.sender, entryId, evidenceHash);
    }

    /// @inheritdoc ICreditRegistry
    function applyForRepairBySig(bytes32 entryId, bytes32 evidenceHash, Authorization calldata auth)
        external
        returns (uint256)
    {
        bytes32 structHash =
            keccak256(abi.encode(APPLY_FOR_REPAIR_TYPEHASH, entryId, evidenceHash, nonces(auth.signer), auth.deadline));
        return _applyForRepair(_useAuthorization(auth, structHash), entryId, evidenceHash);
    }

    /// @inheritdoc ICreditRegistry
    function decideRepair(uint256 repairId, bool approve, uint16 reason) external {
        RepairApplication storage application = _repairs[repairId];
        if (application.filedAt == 0) revert CreditRegistryUnknownRepair(repairId);
        if (application.status != RepairStatus.Pending) revert CreditRegistryRepairDecided(repairId, application.status);
        bytes32 entryId = application.entryId;
        Entry storage entry = _entries[entryId];
        _requireAuthority(entry.schemaId, msg.sender);
        application.status = approve ? RepairStatus.Approved : RepairStatus.Rejected;
        application.decidedAt = _time();
        application.decidedBy = msg.sender;
        application.decisionReason = reason;
        delete _pendingRepair[entryId];
        emit RepairDecided(repairId, entryId, msg.sender, approve, reason);
        // An entry that expired while the application waited needs no ending; the decision is still recorded.
        if (approve && _status(entry) == EntryStatus.Listed) _end(entry, entryId, reason, repairId);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc ICreditRegistry
    function getList(bytes32 schemaId) external view returns (CreditList memory) {
        return _lists[schemaId];
    }

    /// @inheritdoc ICreditRegistry
    function getEntry(bytes32 entryId) external view returns (Entry memory) {
        return _entries[entryId];
    }

    /// @inheritdoc ICreditRegistry
    function entryStatus(bytes32 entryId) external view returns (EntryStatus) {
        return _status(_entries[entryId]);
    }

    /// @inheritdoc ICreditRegistry
    function entriesOf(bytes32 subject, bytes32 schemaId) external view returns (bytes32[] memory) {
        return _entriesOf[subject][schemaId];
    }

    /// @inheritdoc ICreditRegistry
    function isListed(bytes32 subject, bytes32 schemaId) external view returns (bool) {
        bytes32[] storage ids = _entriesOf[subject][schemaId];
        // A view: the loop costs no gas on chain, and one subject holds few entries on one list.
        for (uint256 i = ids.length; i > 0; --i) {
            if (_status(_entries[ids[i - 1]]) == EntryStatus.Listed) return true;
        }
        return false;
    }

    /// @inheritdoc ICreditRegistry
    function getRepair(uint256 repairId) external view returns (RepairApplication memory) {
        return _repairs[repairId];
    }

    /// @inheritdoc ICreditRegistry
    function pendingRepairOf(bytes32 entryId) external view returns (uint256) {
        return _pendingRepair[entryId];
    }

    /// @inheritdoc ICreditRegistry
    function repairCount() external view returns (uint256) {
        return _repairCount;
    }

    // ---------------------------------------------------------------- internals

    function _applyForRepair(address actor, bytes32 entryId, bytes32 evidenceHash) private returns (uint256 repairId) {
        Entry storage entry = _knownEntry(entryId);
        if (evidenceHash == bytes32(0)) revert CreditRegistryZeroHash();
        if (_lists[entry.schemaId].kind != ListKind.Black) revert CreditRegistryNotRepairable(entryId);
        EntryStatus status = _status(entry);
        if (status != EntryStatus.Listed) revert CreditRegistryEntryNotActive(entryId, status);
        uint256 pending = _pendingRepair[entryId];
        if (pending != 0) revert CreditRegistryRepairPending(entryId, pending);
        if (!_actsForSubject(entry, actor)) revert CreditRegistryNotSubject(entryId, actor);
        repairId = ++_repairCount;
        _repairs[repairId] = RepairApplication({
            entryId: entryId,
            evidenceHash: evidenceHash,
            applicant: actor,
            status: RepairStatus.Pending,
            decisionReason: 0,
            filedAt: _time(),
            decidedAt: 0,
            decidedBy: address(0)
        });
        _pendingRepair[entryId] = repairId;
        emit RepairFiled(repairId, entryId, actor, evidenceHash);
    }

    function _actsForSubject(Entry storage entry, address actor) private view returns (bool) {
        if (entry.subjectKind == SubjectKind.Citizen) {
            return _identities.isActive(entry.subject) && _identities.controllerOf(entry.subject) == actor;
        }
        (bool allowed,,) = _enterprises.authorizes(entry.subject, actor, ENTERPRISE_SCOPE_CREDIT);
        return allowed;
    }

    function _end(Entry storage entry, bytes32 entryId, uint16 reason, uint256 repairId) private {
        entry.endedAt = _time();
        entry.endReason = reason;
        emit CreditEntryEnded(entryId, msg.sender, repairId, reason);
    }

    function _status(Entry storage entry) private view returns (EntryStatus) {
        if (entry.recordedAt == 0) return EntryStatus.Unknown;
        if (entry.endedAt != 0) return EntryStatus.Ended;
        uint64 now_ = _time();
        if (now_ < entry.startsAt) return EntryStatus.NotYetListed;
        if (entry.endsAt != 0 && now_ >= entry.endsAt) return EntryStatus.Expired;
        return EntryStatus.Listed;
    }

    function _subjectKind(bytes32 subject) private view returns (SubjectKind) {
        if (_identities.isActive(subject)) return SubjectKind.Citizen;
        if (_enterprises.isActive(subject)) return SubjectKind.Enterprise;
        revert CreditRegistryUnknownSubject(subject);
    }

    function _requireAuthority(bytes32 schemaId, address account) private view {
        if (!_hasImiRole(ImiRoles.CREDIT_AUTHORITY, account)) {
            revert CreditRegistryUnauthorized(account, ImiRoles.CREDIT_AUTHORITY);
        }
        if (!_credentials.isTrustedIssuer(schemaId, account)) revert CreditRegistryUntrustedAuthority(schemaId, account);
    }

    function _knownEntry(bytes32 entryId) private view returns (Entry storage entry) {
        entry = _entries[entryId];
        if (entry.recordedAt == 0) revert CreditRegistryUnknownEntry(entryId);
    }
}
