// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IImiSigned} from "./IImiSigned.sol";

/**
 * @title IEnterpriseRegistry
 * @dev Enterprises (legal persons, 一企一码) as a second kind of subject beside citizens.
 *
 * What goes on chain and why:
 * - the enterprise id: `keccak256(abi.encode("IMI enterprise", code))` of its unified social credit
 *   code (SDK `enterpriseIdOf`). The code is public in the business register, so the id is no
 *   secret and anyone holding the code can find the enterprise's public credit entries; it is a
 *   hash and not the code itself so the chain is not a browsable copy of the register, and it is
 *   derived from the code so one code is one enterprise (a second registration of the same code
 *   is refused here, not only at the counter);
 * - a commitment: the salted hash of the enterprise's record (name, address, scope of business,
 *   licences ...), kept in the vault like a citizen's record;
 * - the legal representative and authorised staff as citizen ids of registered citizens. They act
 *   with their own current citizen key, so a rotated or recovered key keeps its enterprise roles
 *   and the old key loses them; scopes and expiry are on chain, revocation records a time.
 *
 * No personal data: ids, hashes, scopes and times only.
 */
interface IEnterpriseRegistry is IImiSigned {
    enum EnterpriseStatus {
        None,
        Active,
        Deregistered
    }

    struct Enterprise {
        EnterpriseStatus status;
        uint64 registeredAt;
        uint64 deregisteredAt;
        bytes32 commitment;
        /// @dev The citizen id of the legal representative.
        bytes32 legalRepresentative;
    }

    struct Staff {
        uint256 scopes;
        uint64 appointedAt;
        uint64 expiresAt;
        uint64 removedAt;
    }

    event EnterpriseRegistered(
        bytes32 indexed enterprise, bytes32 indexed legalRepresentative, address indexed counter, bytes32 commitment
    );
    event EnterpriseRecordUpdated(bytes32 indexed enterprise, address indexed counter, bytes32 commitment);
    event LegalRepresentativeChanged(
        bytes32 indexed enterprise, bytes32 indexed previousRepresentative, bytes32 indexed newRepresentative, address counter
    );
    /// @dev `reason` is a code (for example keccak256("deregistered")), never free text.
    event EnterpriseDeregistered(bytes32 indexed enterprise, address indexed counter, bytes32 reason);
    event StaffAppointed(
        bytes32 indexed enterprise, bytes32 indexed staff, address indexed appointedBy, uint256 scopes, uint64 expiresAt
    );
    event StaffRemoved(bytes32 indexed enterprise, bytes32 indexed staff, address indexed removedBy);

    error EnterpriseRegistryUnauthorized(address account, uint64 role);
    error EnterpriseRegistryZeroHash();
    error EnterpriseRegistryAlreadyRegistered(bytes32 enterprise);
    error EnterpriseRegistryUnknownEnterprise(bytes32 enterprise);
    error EnterpriseRegistryInactiveEnterprise(bytes32 enterprise);
    error EnterpriseRegistryInactiveCitizen(bytes32 citizen);
    error EnterpriseRegistryNotLegalRepresentative(bytes32 enterprise, address account);
    error EnterpriseRegistryInvalidScopes();
    error EnterpriseRegistryInvalidExpiry(uint64 expiresAt);
    error EnterpriseRegistryStaffIsRepresentative(bytes32 enterprise, bytes32 staff);
    error EnterpriseRegistryStaffActive(bytes32 enterprise, bytes32 staff);
    error EnterpriseRegistryNotStaff(bytes32 enterprise, bytes32 staff);
    error EnterpriseRegistryRemoveUnauthorized(bytes32 enterprise, address account);

    /**
     * @dev The legal-person counter registers `enterprise` with its record commitment and legal representative.
     *
     * Requirements:
     * - caller holds the counter role;
     * - `enterprise`, `commitment` non-zero; `enterprise` never registered (also not a deregistered one);
     * - `legalRepresentative` is an active citizen identity.
     */
    function register(bytes32 enterprise, bytes32 commitment, bytes32 legalRepresentative) external;

    /// @dev The counter records a new commitment (the register changed). Requirements: counter role; active enterprise.
    function updateRecord(bytes32 enterprise, bytes32 commitment) external;

    /**
     * @dev The counter records a change of legal representative (a register change). Staff appointed by the
     * previous representative stay until they expire or the new representative removes them.
     *
     * Requirements: counter role; active enterprise; `newRepresentative` an active citizen who is not staff.
     */
    function changeLegalRepresentative(bytes32 enterprise, bytes32 newRepresentative) external;

    /// @dev The counter deregisters an enterprise; every representative loses its power at once. Final.
    function deregister(bytes32 enterprise, bytes32 reason) external;

    /**
     * @dev The legal representative (with its current citizen key) appoints `staff`, a registered citizen,
     * to act for the enterprise within `scopes` (SDK ENTERPRISE_SCOPES bits) until `expiresAt`.
     *
     * Requirements:
     * - caller is the current key of the legal representative of an active enterprise;
     * - `staff` is an active citizen, not the legal representative, not already active staff;
     * - `scopes` non-zero; `expiresAt` in the future.
     */
    function appointStaff(bytes32 enterprise, bytes32 staff, uint256 scopes, uint64 expiresAt) external;

    /// @dev {appointStaff} signed by the legal representative's key and relayed by anyone.
    /// Typed data: `AppointStaff(bytes32 enterprise,bytes32 staff,uint256 scopes,uint64 expiresAt,uint256 nonce,uint256 deadline)`.
    function appointStaffBySig(
        bytes32 enterprise,
        bytes32 staff,
        uint256 scopes,
        uint64 expiresAt,
        Authorization calldata auth
    ) external;

    /**
     * @dev Ends a staff appointment. Allowed to the legal representative, the staff member itself and the counter.
     * Requirements: `staff` currently appointed (not removed before).
     */
    function removeStaff(bytes32 enterprise, bytes32 staff) external;

    /// @dev {removeStaff} signed by the legal representative or the staff member.
    /// Typed data: `RemoveStaff(bytes32 enterprise,bytes32 staff,uint256 nonce,uint256 deadline)`.
    function removeStaffBySig(bytes32 enterprise, bytes32 staff, Authorization calldata auth) external;

    function getEnterprise(bytes32 enterprise) external view returns (Enterprise memory);

    function isActive(bytes32 enterprise) external view returns (bool);

    function getStaff(bytes32 enterprise, bytes32 staff) external view returns (Staff memory);

    /// @dev Whether citizen `staff` is appointed, not removed, not expired, and covers every bit of `scopes`.
    function isStaff(bytes32 enterprise, bytes32 staff, uint256 scopes) external view returns (bool);

    /**
     * @dev Whether the key `actor` may act for `enterprise` within `scopes`: the current key of the legal
     * representative (every scope) or of covering staff, all identities active. Returns the citizen the key
     * belongs to and whether it acts as the legal representative.
     */
    function authorizes(bytes32 enterprise, address actor, uint256 scopes)
        external
        view
        returns (bool allowed, bytes32 citizen, bool asLegalRepresentative);

    /// @dev The enterprise id of a unified social credit code (the code as registered, upper case).
    function enterpriseIdOf(string calldata code) external pure returns (bytes32);
}
