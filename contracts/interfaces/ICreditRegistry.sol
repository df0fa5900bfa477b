// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IImiSigned} from "./IImiSigned.sol";

/**
 * @title ICreditRegistry
 * @dev Credit records (信用) for citizens and enterprises: red-list (守信激励) and black-list (失信惩戒)
 * entries, and credit repair (信用修复).
 *
 * A credit list is a credential schema of the CredentialRegistry that the governor declares a red or
 * black list, public (公示) or not. An entry is a credit record under that schema, named by the hash
 * of its credential document (the document, with the legal text and the authority's reasons, stays
 * off chain); the chain keeps what a contract must read: subject, list, authority, the start and end,
 * the reason code and the hash of the legal basis. Only a credit authority (role) that the
 * CredentialRegistry trusts for the schema records, ends or decides.
 *
 * Repair: the subject (a citizen with its key; an enterprise through a representative holding the
 * credit scope) files an application naming a black-list entry and the hash of its evidence; a
 * trusted authority approves or rejects it with a reason code; approval ends the entry early. Every
 * step is an event. Nothing is deleted: ending an entry records a time and a reason.
 */
interface ICreditRegistry is IImiSigned {
    enum ListKind {
        None,
        Red,
        Black
    }

    /// @dev What the views report for an entry at the current time.
    enum EntryStatus {
        Unknown,
        Listed,
        NotYetListed,
        Expired,
        Ended
    }

    enum RepairStatus {
        None,
        Pending,
        Approved,
        Rejected
    }

    enum SubjectKind {
        None,
        Citizen,
        Enterprise
    }

    struct CreditList {
        ListKind kind;
        bool published;
        uint64 definedAt;
    }

    struct Entry {
        bytes32 subject;
        bytes32 schemaId;
        bytes32 legalBasis;
        address authority;
        SubjectKind subjectKind;
        uint16 reason;
        uint16 endReason;
        uint64 startsAt;
        /// @dev 0: until ended.
        uint64 endsAt;
        uint64 recordedAt;
        uint64 endedAt;
    }

    struct RepairApplication {
        bytes32 entryId;
        bytes32 evidenceHash;
        address applicant;
        RepairStatus status;
        uint16 decisionReason;
        uint64 filedAt;
        uint64 decidedAt;
        address decidedBy;
    }

    event CreditListDefined(bytes32 indexed schemaId, ListKind kind, bool published);
    event CreditEntryRecorded(
        bytes32 indexed entryId,
        bytes32 indexed subject,
        bytes32 indexed schemaId,
        address authority,
        ListKind kind,
        bytes32 legalBasis,
        uint16 reason,
        uint64 startsAt,
        uint64 endsAt
    );
    /// @dev `repairId` is zero when the authority ended the entry without an application.
    event CreditEntryEnded(bytes32 indexed entryId, address indexed authority, uint256 indexed repairId, uint16 reason);
    event RepairFiled(uint256 indexed repairId, bytes32 indexed entryId, address indexed applicant, bytes32 evidenceHash);
    event RepairDecided(
        uint256 indexed repairId, bytes32 indexed entryId, address indexed authority, bool approved, uint16 reason
    );

    error CreditRegistryUnauthorized(address account, uint64 role);
    error CreditRegistryZeroHash();
    error CreditRegistryInvalidKind();
    error CreditRegistryListExists(bytes32 schemaId);
    error CreditRegistryUnknownSchema(bytes32 schemaId);
    error CreditRegistryUnknownList(bytes32 schemaId);
    error CreditRegistryUntrustedAuthority(bytes32 schemaId, address account);
    error CreditRegistryUnknownSubject(bytes32 subject);
    error CreditRegistryInvalidWindow(uint64 startsAt, uint64 endsAt);
    error CreditRegistryEntryExists(bytes32 entryId);
    error CreditRegistryUnknownEntry(bytes32 entryId);
    error CreditRegistryEntryNotActive(bytes32 entryId, EntryStatus status);
    error CreditRegistryNotRepairable(bytes32 entryId);
    error CreditRegistryNotSubject(bytes32 entryId, address account);
    error CreditRegistryRepairPending(bytes32 entryId, uint256 repairId);
    error CreditRegistryUnknownRepair(uint256 repairId);
    error CreditRegistryRepairDecided(uint256 repairId, RepairStatus status);

    /// @dev The governor declares the registered credential schema `schemaId` a red or black list, public or not.
    /// Requirements: governor; schema registered in the CredentialRegistry; list not defined before; kind Red or Black.
    function defineList(bytes32 schemaId, ListKind kind, bool published) external;

    /**
     * @dev A credit authority records an entry on a list.
     *
     * Requirements:
     * - credit authority role and trusted by the CredentialRegistry for `schemaId`; the list is defined;
     * - `entryId`, `legalBasis` non-zero; `entryId` never used;
     * - `subject` an active citizen or an active enterprise;
     * - `endsAt` 0 or after both `startsAt` and now.
     */
    function recordEntry(
        bytes32 entryId,
        bytes32 subject,
        bytes32 schemaId,
        bytes32 legalBasis,
        uint16 reason,
        uint64 startsAt,
        uint64 endsAt
    ) external;

    /// @dev A trusted authority ends an entry early without an application (for example, recorded in error).
    /// Requirements: trusted for the entry's schema; the entry is listed or not yet listed.
    function endEntry(bytes32 entryId, uint16 reason) external;

    /**
     * @dev The subject applies for repair of a black-list entry, with the hash of its evidence.
     *
     * Requirements: the entry is on a black list and listed now; no application pending for it; the caller
     * is the citizen's key or, for an enterprise, a representative holding the credit scope.
     */
    function applyForRepair(bytes32 entryId, bytes32 evidenceHash) external returns (uint256 repairId);

    /// @dev {applyForRepair} signed by the subject's key and relayed by anyone.
    /// Typed data: `ApplyForRepair(bytes32 entryId,bytes32 evidenceHash,uint256 nonce,uint256 deadline)`.
    function applyForRepairBySig(bytes32 entryId, bytes32 evidenceHash, Authorization calldata auth)
        external
        returns (uint256 repairId);

    /// @dev A trusted authority approves (the entry ends now) or rejects a pending application, with a reason code.
    function decideRepair(uint256 repairId, bool approve, uint16 reason) external;

    function getList(bytes32 schemaId) external view returns (CreditList memory);

    function getEntry(bytes32 entryId) external view returns (Entry memory);

    function entryStatus(bytes32 entryId) external view returns (EntryStatus);

    /// @dev The entries ever recorded for `subject` on the list `schemaId`, oldest first.
    function entriesOf(bytes32 subject, bytes32 schemaId) external view returns (bytes32[] memory);

    /// @dev Whether `subject` has an entry listed now on `schemaId`.
    function isListed(bytes32 subject, bytes32 schemaId) external view returns (bool);

    function getRepair(uint256 repairId) external view returns (RepairApplication memory);

    /// @dev The application pending for `entryId`, or 0.
    function pendingRepairOf(bytes32 entryId) external view returns (uint256);

    function repairCount() external view returns (uint256);
}
