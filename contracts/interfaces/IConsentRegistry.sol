// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IImiSigned} from "./IImiSigned.sol";

/**
 * @title IConsentRegistry
 * @dev Citizens' consents to agencies, and statutory access granted by the governor.
 *
 * A consent lets one agency read the data categories in `scopes` (a bitmask: bit i = category i)
 * of one citizen for one `purpose` (a code such as keccak256("social-benefits")), from
 * `validFrom` until `validUntil`, at most `maxUses` times (0 = unlimited). Only the citizen's
 * controller key or a guardian whose scopes cover the consent's scopes may grant, pause, resume or
 * revoke it, directly or by an EIP-712 signature that anyone may relay. Revoked is final.
 *
 * Use limits: a limited consent's uses are counted here, by {consume}, which every gateway of the
 * deployment calls before it releases anything under such a consent: one count for all gateways.
 * Unlimited consents (the common case) need no transaction per access.
 *
 * Enterprises: `citizen` may also name an active enterprise (EnterpriseRegistry). Its consents are
 * granted, paused, resumed and revoked by the current key of its legal representative or of staff
 * holding the enterprise's `consent` scope, directly or signed; they belong to the enterprise and do
 * not lapse when the representative who granted them leaves. {check} treats a deregistered
 * enterprise as an inactive subject.
 *
 * Guardians: a consent granted by a guardian lapses when that guardianship ends (removed, expired,
 * or replaced by a later appointment) unless the citizen's own key has confirmed it ({confirm}).
 *
 * Statutory access: the governor grants an agency access under a legal-basis code, time-boxed,
 * for one citizen (or every citizen when `citizen` is zero). It is always visible in events and is
 * flagged for review until an auditor records the review.
 */
interface IConsentRegistry is IImiSigned {
    enum ConsentStatus {
        None,
        Active,
        Paused,
        Revoked
    }

    /// @dev Why {check} allowed or refused an access. Stable numbers: clients map them to messages.
    enum Decision {
        Allowed,
        UnknownGrant,
        WrongAgency,
        WrongCitizen,
        ScopeNotCovered,
        WrongPurpose,
        NotYetValid,
        Expired,
        Paused,
        Revoked,
        CitizenInactive,
        AgencyNotAuthorized,
        /// @dev Granted by a guardian whose guardianship has ended, and not confirmed by the citizen.
        GuardianLapsed,
        /// @dev The agency's registration (AgencyRegistry), as it stands now, does not cover the asked
        /// scopes for the purpose: it was narrowed or withdrawn after the grant.
        AgencyNotRegisteredFor
    }

    /// @dev Why a guardian-granted consent lapsed (None: it stands, or the citizen confirmed it).
    enum Lapse {
        None,
        GuardianRemoved,
        GuardianExpired,
        /// @dev The guardianship the grant was made under ended and the guardian was appointed again.
        GuardianReplaced
    }

    struct GrantRequest {
        bytes32 citizen;
        address agency;
        uint256 scopes;
        bytes32 purpose;
        uint64 validFrom;
        uint64 validUntil;
        uint32 maxUses;
    }

    struct Consent {
        bytes32 citizen;
        address agency;
        uint256 scopes;
        bytes32 purpose;
        uint64 validFrom;
        uint64 validUntil;
        uint32 maxUses;
        ConsentStatus status;
        /// @dev True when a guardian, not the citizen's own key, granted it.
        bool byGuardian;
        uint64 grantedAt;
        uint64 updatedAt;
        address grantedBy;
        /// @dev For a guardian's grant: the `addedAt` of the guardianship it was granted under.
        uint64 guardianSince;
        /// @dev When the citizen's own key confirmed a guardian's grant (0: not confirmed).
        uint64 confirmedAt;
        /// @dev Uses counted by {consume} (limited consents only).
        uint32 uses;
    }

    struct StatutoryGrant {
        /// @dev Zero: any citizen.
        bytes32 citizen;
        address agency;
        uint256 scopes;
        bytes32 purpose;
        bytes32 legalBasis;
        uint64 validFrom;
        uint64 validUntil;
        uint64 grantedAt;
        uint64 revokedAt;
        uint64 reviewedAt;
        bytes32 reviewOutcome;
    }

    event ConsentGranted(
        bytes32 indexed consentId,
        bytes32 indexed citizen,
        address indexed agency,
        uint256 scopes,
        bytes32 purpose,
        uint64 validFrom,
        uint64 validUntil,
        uint32 maxUses,
        address grantedBy,
        bool byGuardian
    );
    event ConsentStatusChanged(
        bytes32 indexed consentId,
        bytes32 indexed citizen,
        address indexed agency,
        ConsentStatus status,
        address changedBy,
        bool byGuardian
    );
    /// @dev The citizen's own key confirmed a consent a guardian granted: it no longer lapses with the guardianship.
    event ConsentConfirmed(bytes32 indexed consentId, bytes32 indexed citizen, address indexed agency, address confirmedBy);
    /// @dev A gateway used a limited consent once; `uses` is the count after this use.
    event ConsentUsed(bytes32 indexed consentId, bytes32 indexed citizen, address indexed agency, uint32 uses, uint32 maxUses, address gateway);
    /// @dev `reviewRequired` is always true: statutory access is never invisible and never unreviewed.
    event StatutoryAccessGranted(
        bytes32 indexed grantId,
        bytes32 indexed citizen,
        address indexed agency,
        bytes32 legalBasis,
        uint256 scopes,
        bytes32 purpose,
        uint64 validFrom,
        uint64 validUntil,
        bool reviewRequired
    );
    event StatutoryAccessRevoked(bytes32 indexed grantId, bytes32 indexed citizen, address indexed agency);
    event StatutoryAccessReviewed(bytes32 indexed grantId, address indexed auditor, bytes32 outcome);

    error ConsentRegistryZeroAddress();
    error ConsentRegistryZeroHash();
    error ConsentRegistryInvalidScopes();
    error ConsentRegistryInvalidWindow(uint64 validFrom, uint64 validUntil);
    error ConsentRegistryNotAnAgency(address agency);
    /// @dev The agency did not register `excessScopes` (categories, as bits) for `purpose` in the AgencyRegistry.
    error ConsentRegistryAgencyNotRegisteredFor(address agency, bytes32 purpose, uint256 excessScopes);
    error ConsentRegistryInactiveCitizen(bytes32 citizen);
    /// @dev `actor` is neither the citizen's controller nor a guardian whose scopes cover `scopes`; for an
    /// enterprise, neither its legal representative nor staff holding the consent scope.
    error ConsentRegistryUnauthorized(bytes32 citizen, address actor, uint256 scopes);
    error ConsentRegistryUnknownConsent(bytes32 consentId);
    error ConsentRegistryInvalidTransition(bytes32 consentId, ConsentStatus from, ConsentStatus to);
    error ConsentRegistryUnknownStatutoryGrant(bytes32 grantId);
    error ConsentRegistryStatutoryRevoked(bytes32 grantId);
    error ConsentRegistryAlreadyReviewed(bytes32 grantId);
    /// @dev Only a consent granted by a guardian can be confirmed.
    error ConsentRegistryNotGuardianGrant(bytes32 consentId);
    error ConsentRegistryAlreadyConfirmed(bytes32 consentId);
    /// @dev `actor` is not the citizen's own controller key (a guardian cannot confirm its own grant).
    error ConsentRegistryNotController(bytes32 citizen, address actor);
    error ConsentRegistryNotAGateway(address account);
    /// @dev The consent has no use limit: nothing to count.
    error ConsentRegistryUnlimited(bytes32 consentId);
    error ConsentRegistryUseLimitReached(bytes32 consentId, uint32 maxUses);
    /// @dev {check} of the consent under its own terms is not Allowed.
    error ConsentRegistryNotUsable(bytes32 consentId, Decision decision);

    /**
     * @dev The citizen's controller, or a guardian covering `request.scopes`, grants a consent.
     *
     * Requirements: active citizen; `request.agency` holds the agency role and registered `scopes`
     * for `purpose` in the AgencyRegistry; `scopes` and `purpose` non-zero; `validFrom < validUntil`
     * and `validUntil` in the future.
     */
    function grant(GrantRequest calldata request) external returns (bytes32 consentId);

    /// @dev {grant} signed by the citizen's controller or a guardian, relayed by anyone.
    /// Typed data: `Grant(bytes32 citizen,address agency,uint256 scopes,bytes32 purpose,uint64 validFrom,uint64 validUntil,uint32 maxUses,uint256 nonce,uint256 deadline)`.
    function grantBySig(GrantRequest calldata request, Authorization calldata auth) external returns (bytes32 consentId);

    /// @dev Ends a consent for good. Requirements: Active or Paused; caller authorized for its scopes.
    function revoke(bytes32 consentId) external;

    /// @dev Typed data: `Revoke(bytes32 consentId,uint256 nonce,uint256 deadline)`.
    function revokeBySig(bytes32 consentId, Authorization calldata auth) external;

    /// @dev Suspends an Active consent. Requirements: Active; caller authorized for its scopes.
    function pause(bytes32 consentId) external;

    /// @dev Typed data: `Pause(bytes32 consentId,uint256 nonce,uint256 deadline)`.
    function pauseBySig(bytes32 consentId, Authorization calldata auth) external;

    /// @dev Re-activates a Paused consent. Requirements: Paused; caller authorized for its scopes.
    function resume(bytes32 consentId) external;

    /// @dev Typed data: `Resume(bytes32 consentId,uint256 nonce,uint256 deadline)`.
    function resumeBySig(bytes32 consentId, Authorization calldata auth) external;

    /**
     * @dev The citizen's own key confirms a consent a guardian granted, before or after the
     * guardianship ends. Requirements: a guardian's grant, not revoked, not confirmed before;
     * caller is the citizen's controller.
     */
    function confirm(bytes32 consentId) external;

    /// @dev Typed data: `Confirm(bytes32 consentId,uint256 nonce,uint256 deadline)`.
    function confirmBySig(bytes32 consentId, Authorization calldata auth) external;

    /**
     * @dev A gateway counts one use of a limited consent before it releases anything under it.
     * Requirements: caller holds the gateway role; `maxUses` non-zero; {check} under the consent's
     * own terms is Allowed; fewer than `maxUses` uses so far.
     */
    function consume(bytes32 consentId) external returns (uint32 uses);

    /// @dev Why a guardian's grant lapsed, or None.
    function lapseOf(bytes32 consentId) external view returns (Lapse);

    /**
     * @dev The governor grants statutory access. `citizen` names one subject — an active citizen or an
     * active enterprise (EnterpriseRegistry) — or is zero for any subject.
     * Requirements: governor; agency holds the agency role and registered `scopes` for `purpose` in the
     * AgencyRegistry; non-zero scopes, purpose, legal basis; valid window; a named subject is active.
     */
    function grantStatutory(
        bytes32 citizen,
        address agency,
        uint256 scopes,
        bytes32 purpose,
        bytes32 legalBasis,
        uint64 validFrom,
        uint64 validUntil
    ) external returns (bytes32 grantId);

    /// @dev The governor ends a statutory grant early (records the time).
    function revokeStatutory(bytes32 grantId) external;

    /// @dev An auditor records the review of a statutory grant. Once only.
    function reviewStatutory(bytes32 grantId, bytes32 outcome) external;

    function getConsent(bytes32 consentId) external view returns (Consent memory);

    function getStatutoryGrant(bytes32 grantId) external view returns (StatutoryGrant memory);

    /// @dev The most recent consent granted for (citizen, agency, purpose), or zero.
    function latestConsent(bytes32 citizen, address agency, bytes32 purpose) external view returns (bytes32);

    /**
     * @dev May `agency` read `scopes` of `citizen` for `purpose` now, under `grantId` (a consent id or
     * a statutory grant id)? One call; `maxUses` is enforced by {consume}, not here. The agency's
     * registration is read as it stands now: a grant made before the registration was narrowed answers
     * AgencyNotRegisteredFor for the scopes no longer registered, as the gateway refuses them.
     */
    function check(bytes32 grantId, address agency, bytes32 citizen, uint256 scopes, bytes32 purpose)
        external
        view
        returns (Decision);

    /// @dev {check} against the most recent consent for (citizen, agency, purpose).
    function mayAccess(address agency, bytes32 citizen, uint256 scopes, bytes32 purpose)
        external
        view
        returns (bool allowed, bytes32 consentId, Decision decision);
}
