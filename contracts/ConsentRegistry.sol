// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";
import {IAgencyRegistry} from "./interfaces/IAgencyRegistry.sol";
import {IConsentRegistry} from "./interfaces/IConsentRegistry.sol";
import {IEnterpriseRegistry} from "./interfaces/IEnterpriseRegistry.sol";
import {IIdentityRegistry} from "./interfaces/IIdentityRegistry.sol";
import {ImiSigned} from "./utils/ImiSigned.sol";
import {ImiRoles} from "./utils/ImiRoles.sol";

/// @title ConsentRegistry
/// @notice Consents citizens give agencies, and statutory access. See {IConsentRegistry}.
contract ConsentRegistry is IConsentRegistry, ImiSigned, AccessManaged {
    // keccak256("Grant(bytes32 citizen,address agency,uint256 scopes,bytes32 purpose,uint64 validFrom,uint64 validUntil,uint32 maxUses,uint256 nonce,uint256 deadline)")
    bytes32 public constant GRANT_TYPEHASH = keccak256(
        "Grant(bytes32 citizen,address agency,uint256 scopes,bytes32 purpose,uint64 validFrom,uint64 validUntil,uint32 maxUses,uint256 nonce,uint256 deadline)"
    );
    // keccak256("Revoke(bytes32 consentId,uint256 nonce,uint256 deadline)")
    bytes32 public constant REVOKE_TYPEHASH = keccak256("Revoke(bytes32 consentId,uint256 nonce,uint256 deadline)");
    // keccak256("Pause(bytes32 consentId,uint256 nonce,uint256 deadline)")
    bytes32 public constant PAUSE_TYPEHASH = keccak256("Pause(bytes32 consentId,uint256 nonce,uint256 deadline)");
    // keccak256("Resume(bytes32 consentId,uint256 nonce,uint256 deadline)")
    bytes32 public constant RESUME_TYPEHASH = keccak256("Resume(bytes32 consentId,uint256 nonce,uint256 deadline)");
    // keccak256("Confirm(bytes32 consentId,uint256 nonce,uint256 deadline)")
    bytes32 public constant CONFIRM_TYPEHASH = keccak256("Confirm(bytes32 consentId,uint256 nonce,uint256 deadline)");

    IIdentityRegistry public immutable identityRegistry;
    /// @dev Enterprises are the second kind of subject: their representatives grant and change their consents.
    IEnterpriseRegistry public immutable enterpriseRegistry;
    /// @dev What each agency registered it may ask for, per purpose: grants beyond it are refused.
    IAgencyRegistry public immutable agencyRegistry;
    /// @dev The ENTERPRISE_SCOPES bit (SDK) a representative needs to grant, pause, resume or revoke the enterprise's consents.
    uint256 public constant ENTERPRISE_SCOPE_CONSENT = 1 << 0;

    mapping(bytes32 consentId => Consent) private _consents;
    mapping(bytes32 grantId => StatutoryGrant) private _statutory;
    mapping(bytes32 citizen => mapping(address agency => mapping(bytes32 purpose => bytes32 consentId))) private
        _latest;
    uint256 private _consentCount;
    uint256 private _statutoryCount;

    constructor(address authority, IIdentityRegistry identities, IEnterpriseRegistry enterprises, IAgencyRegistry agencies)
        ImiSigned("IMI ConsentRegistry", "1")
        AccessManaged(authority)
    {
        if (address(identities) == address(0) || address(enterprises) == address(0) || address(agencies) == address(0)) {
            revert ConsentRegistryZeroAddress();
        }
        identityRegistry = identities;
        enterpriseRegistry = enterprises;
        agencyRegistry = agencies;
    }

    // ---------------------------------------------------------------- consents

    /// @inheritdoc IConsentRegistry
    function grant(GrantRequest calldata request) external returns (bytes32) {
        return _grant(msg.sender, request);
    }

    /// @inheritdoc IConsentRegistry
    function grantBySig(GrantRequest calldata request, Authorization calldata auth) external returns (bytes32) {
        bytes32 structHash = keccak256(
            abi.encode(
                GRANT_TYPEHASH,
                request.citizen,
                request.agency,
                request.scopes,
                request.purpose,
                request.validFrom,
                request.validUntil,
                request.maxUses,
                nonces(auth.signer),
                auth.deadline
            )
        );
        return _grant(_useAuthorization(auth, structHash), request);
    }

    /// @inheritdoc IConsentRegistry
    function revoke(bytes32 consentId) external {
        _setStatus(msg.sender, consentId, ConsentStatus.Revoked);
    }

    /// @inheritdoc IConsentRegistry
    function revokeBySig(bytes32 consentId, Authorization calldata auth) external {
        _setStatusBySig(REVOKE_TYPEHASH, consentId, auth, ConsentStatus.Revoked);
    }

    /// @inheritdoc IConsentRegistry
    function pause(bytes32 consentId) external {
        _setStatus(msg.sender, consentId, ConsentStatus.Paused);
    }

    /// @inheritdoc IConsentRegistry
    function pauseBySig(bytes32 consentId, Authorization calldata auth) external {
        _setStatusBySig(PAUSE_TYPEHASH, consentId, auth, ConsentStatus.Paused);
    }

    /// @inheritdoc IConsentRegistry
    function resume(bytes32 consentId) external {
        _setStatus(msg.sender, consentId, ConsentStatus.Active);
    }

    /// @inheritdoc IConsentRegistry
    function resumeBySig(bytes32 consentId, Authorization calldata auth) external {
        _setStatusBySig(RESUME_TYPEHASH, consentId, auth, ConsentStatus.Active);
    }

    /// @inheritdoc IConsentRegistry
    function confirm(bytes32 consentId) external {
        _confirm(msg.sender, consentId);
    }

    /// @inheritdoc IConsentRegistry
    function confirmBySig(bytes32 consentId, Authorization calldata auth) external {
        bytes32 structHash = keccak256(abi.encode(CONFIRM_TYPEHASH, consentId, nonces(auth.signer), auth.deadline));
        _confirm(_useAuthorization(auth, structHash), consentId);
    }

    /// @inheritdoc IConsentRegistry
    /// @dev Why on chain: every gateway of a deployment reads and writes this one counter, so a limit
    /// of N allows N accesses in total, not N per gateway; the chain orders concurrent uses. Only
    /// limited consents pay a transaction per access; unlimited ones stay off chain and fast.
    function consume(bytes32 consentId) external returns (uint32 uses) {
        // The gateway role is checked here, as the agency role is in check(), rather than by mapping
        // consume to a role in the AccessManager: a deployment wired before consume existed needs no
        // governor action, and the custom error names the caller.
        if (!_hasRole(ImiRoles.GATEWAY, msg.sender)) revert ConsentRegistryNotAGateway(msg.sender);
        Consent storage consent = _consents[consentId];
        if (consent.status == ConsentStatus.None) revert ConsentRegistryUnknownConsent(consentId);
        if (consent.maxUses == 0) revert ConsentRegistryUnlimited(consentId);
        Decision decision = check(consentId, consent.agency, consent.citizen, consent.scopes, consent.purpose);
        if (decision != Decision.Allowed) revert ConsentRegistryNotUsable(consentId, decision);
        if (consent.uses >= consent.maxUses) revert ConsentRegistryUseLimitReached(consentId, consent.maxUses);
        uses = ++consent.uses;
        emit ConsentUsed(consentId, consent.citizen, consent.agency, uses, consent.maxUses, msg.sender);
    }

    // ---------------------------------------------------------------- statutory access

    /// @inheritdoc IConsentRegistry
    function grantStatutory(
        bytes32 citizen,
        address agency,
        uint256 scopes,
        bytes32 purpose,
        bytes32 legalBasis,
        uint64 validFrom,
        uint64 validUntil
    ) external restricted returns (bytes32 grantId) {
        if (legalBasis == bytes32(0)) revert ConsentRegistryZeroHash();
        _checkTerms(agency, scopes, purpose, validFrom, validUntil);
        // A named subject is a citizen or an enterprise; zero is any subject.
        if (citizen != bytes32(0) && !_isActiveSubject(citizen)) revert ConsentRegistryInactiveCitizen(citizen);
        grantId = keccak256(abi.encode(block.chainid, address(this), "statutory", ++_statutoryCount));
        _statutory[grantId] = StatutoryGrant({
            citizen: citizen,
            agency: agency,
            scopes: scopes,
            purpose: purpose,
            legalBasis: legalBasis,
            validFrom: validFrom,
            validUntil: validUntil,
            grantedAt: _time(),
            revokedAt: 0,
            reviewedAt: 0,
            reviewOutcome: bytes32(0)
        });
        emit StatutoryAccessGranted(grantId, citizen, agency, legalBasis, scopes, purpose, validFrom, validUntil, true);
    }

    /// @inheritdoc IConsentRegistry
    function revokeStatutory(bytes32 grantId) external restricted {
        StatutoryGrant storage record = _statutoryGrant(grantId);
        if (record.revokedAt != 0) revert ConsentRegistryStatutoryRevoked(grantId);
        record.revokedAt = _time();
        emit StatutoryAccessRevoked(grantId, record.citizen, record.agency);
    }

    /// @inheritdoc IConsentRegistry
    function reviewStatutory(bytes32 grantId, bytes32 outcome) external restricted {
        if (outcome == bytes32(0)) revert ConsentRegistryZeroHash();
        StatutoryGrant storage record = _statutoryGrant(grantId);
        if (record.reviewedAt != 0) revert ConsentRegistryAlreadyReviewed(grantId);
        record.reviewedAt = _time();
        record.reviewOutcome = outcome;
        emit StatutoryAccessReviewed(grantId, msg.sender, outcome);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IConsentRegistry
    function getConsent(bytes32 consentId) external view returns (Consent memory) {
        return _consents[consentId];
    }

    /// @inheritdoc IConsentRegistry
    function getStatutoryGrant(bytes32 grantId) external view returns (StatutoryGrant memory) {
        return _statutory[grantId];
    }

    /// @inheritdoc IConsentRegistry
    function latestConsent(bytes32 citizen, address agency, bytes32 purpose) external view returns (bytes32) {
        return _latest[citizen][agency][purpose];
    }

    /// @inheritdoc IConsentRegistry
    function lapseOf(bytes32 consentId) external view returns (Lapse) {
        return _lapse(_consents[consentId]);
    }

    /// @inheritdoc IConsentRegistry
    function check(bytes32 grantId, address agency, bytes32 citizen, uint256 scopes, bytes32 purpose)
        public
        view
        returns (Decision)
    {
        Consent storage consent = _consents[grantId];
        if (consent.status != ConsentStatus.None) {
            Decision decision = _decide(
                consent.agency == agency,
                consent.citizen == citizen,
                consent.status,
                consent.scopes,
                consent.purpose,
                consent.validFrom,
                consent.validUntil,
                agency,
                citizen,
                scopes,
                purpose
            );
            // Checked last, so every other refusal keeps its own reason (the indexer decides in the same order).
            if (decision == Decision.Allowed && _lapse(consent) != Lapse.None) return Decision.GuardianLapsed;
            return decision;
        }
        StatutoryGrant storage statutory = _statutory[grantId];
        if (statutory.grantedAt == 0) return Decision.UnknownGrant;
        return _decide(
            statutory.agency == agency,
            statutory.citizen == bytes32(0) || statutory.citizen == citizen,
            statutory.revokedAt == 0 ? ConsentStatus.Active : ConsentStatus.Revoked,
            statutory.scopes,
            statutory.purpose,
            statutory.validFrom,
            statutory.validUntil,
            agency,
            citizen,
            scopes,
            purpose
        );
    }

    /// @inheritdoc IConsentRegistry
    function mayAccess(address agency, bytes32 citizen, uint256 scopes, bytes32 purpose)
        external
        view
        returns (bool allowed, bytes32 consentId, Decision decision)
    {
        consentId = _latest[citizen][agency][purpose];
        decision = check(consentId, agency, citizen, scopes, purpose);
        allowed = decision == Decision.Allowed;
    }

    // ---------------------------------------------------------------- internals

    function _grant(address actor, GrantRequest calldata request) private returns (bytes32 consentId) {
        _checkTerms(request.agency, request.scopes, request.purpose, request.validFrom, request.validUntil);
        bool asGuardian = _authorize(request.citizen, actor, request.scopes);
        // The guardianship this grant stands on: if it ends, or another appointment replaces it, the grant lapses.
        uint64 guardianSince = asGuardian ? identityRegistry.getGuardian(request.citizen, actor).addedAt : 0;
        consentId = keccak256(abi.encode(block.chainid, address(this), ++_consentCount));
        _consents[consentId] = Consent({
            citizen: request.citizen,
            agency: request.agency,
            scopes: request.scopes,
            purpose: request.purpose,
            validFrom: request.validFrom,
            validUntil: request.validUntil,
            maxUses: request.maxUses,
            status: ConsentStatus.Active,
            byGuardian: asGuardian,
            grantedAt: _time(),
            updatedAt: _time(),
            grantedBy: actor,
            guardianSince: guardianSince,
            confirmedAt: 0,
            uses: 0
        });
        _latest[request.citizen][request.agency][request.purpose] = consentId;
        emit ConsentGranted(
            consentId,
            request.citizen,
            request.agency,
            request.scopes,
            request.purpose,
            request.validFrom,
            request.validUntil,
            request.maxUses,
            actor,
            asGuardian
        );
    }

    function _setStatusBySig(bytes32 typehash, bytes32 consentId, Authorization calldata auth, ConsentStatus to)
        private
    {
        bytes32 structHash = keccak256(abi.encode(typehash, consentId, nonces(auth.signer), auth.deadline));
        _setStatus(_useAuthorization(auth, structHash), consentId, to);
    }

    /// @dev The consent state machine: Active <-> Paused, either -> Revoked, Revoked is final.
    function _setStatus(address actor, bytes32 consentId, ConsentStatus to) private {
        Consent storage consent = _consents[consentId];
        ConsentStatus from = consent.status;
        if (from == ConsentStatus.None) revert ConsentRegistryUnknownConsent(consentId);
        bool allowed = (to == ConsentStatus.Revoked && from != ConsentStatus.Revoked)
            || (to == ConsentStatus.Paused && from == ConsentStatus.Active)
            || (to == ConsentStatus.Active && from == ConsentStatus.Paused);
        if (!allowed) revert ConsentRegistryInvalidTransition(consentId, from, to);
        bool asGuardian = _authorize(consent.citizen, actor, consent.scopes);
        consent.status = to;
        consent.updatedAt = _time();
        emit ConsentStatusChanged(consentId, consent.citizen, consent.agency, to, actor, asGuardian);
    }

    function _confirm(address actor, bytes32 consentId) private {
        Consent storage consent = _consents[consentId];
        if (consent.status == ConsentStatus.None) revert ConsentRegistryUnknownConsent(consentId);
        if (!consent.byGuardian) revert ConsentRegistryNotGuardianGrant(consentId);
        if (consent.status == ConsentStatus.Revoked) {
            revert ConsentRegistryInvalidTransition(consentId, ConsentStatus.Revoked, ConsentStatus.Revoked);
        }
        if (consent.confirmedAt != 0) revert ConsentRegistryAlreadyConfirmed(consentId);
        if (!identityRegistry.isActive(consent.citizen)) revert ConsentRegistryInactiveCitizen(consent.citizen);
        if (identityRegistry.controllerOf(consent.citizen) != actor) revert ConsentRegistryNotController(consent.citizen, actor);
        consent.confirmedAt = _time();
        consent.updatedAt = _time();
        emit ConsentConfirmed(consentId, consent.citizen, consent.agency, actor);
    }

    /// @dev A guardian's grant stands only while the guardianship it was granted under does, unless confirmed.
    function _lapse(Consent storage consent) private view returns (Lapse) {
        if (!consent.byGuardian || consent.confirmedAt != 0) return Lapse.None;
        IIdentityRegistry.Guardian memory g = identityRegistry.getGuardian(consent.citizen, consent.grantedBy);
        if (g.addedAt != consent.guardianSince) return Lapse.GuardianReplaced;
        if (g.removedAt != 0) return Lapse.GuardianRemoved;
        if (_time() >= g.expiresAt) return Lapse.GuardianExpired;
        return Lapse.None;
    }

    /**
     * @dev Reverts unless `actor` may act for the subject: for a citizen, its controller or a guardian
     * covering `scopes`; for an enterprise, the current key of its legal representative or of staff
     * holding the consent scope (the representative's authority is over the enterprise's consents, not
     * per data category). An enterprise's consent is the enterprise's, not its representative's: it
     * does not lapse when the staff member who granted it leaves (`asGuardian` is false).
     */
    function _authorize(bytes32 citizen, address actor, uint256 scopes) private view returns (bool asGuardian) {
        bool allowed;
        if (identityRegistry.isActive(citizen)) {
            (allowed, asGuardian) = identityRegistry.authorizes(citizen, actor, scopes);
        } else if (enterpriseRegistry.isActive(citizen)) {
            (allowed,,) = enterpriseRegistry.authorizes(citizen, actor, ENTERPRISE_SCOPE_CONSENT);
        } else {
            revert ConsentRegistryInactiveCitizen(citizen);
        }
        if (!allowed) revert ConsentRegistryUnauthorized(citizen, actor, scopes);
    }

    /// @dev An active citizen or an active enterprise (a deregistered enterprise's consents stop counting).
    function _isActiveSubject(bytes32 subject) private view returns (bool) {
        return identityRegistry.isActive(subject) || enterpriseRegistry.isActive(subject);
    }

    function _checkTerms(address agency, uint256 scopes, bytes32 purpose, uint64 validFrom, uint64 validUntil)
        private
        view
    {
        if (agency == address(0)) revert ConsentRegistryZeroAddress();
        if (scopes == 0) revert ConsentRegistryInvalidScopes();
        if (purpose == bytes32(0)) revert ConsentRegistryZeroHash();
        if (validFrom >= validUntil || validUntil <= _time()) revert ConsentRegistryInvalidWindow(validFrom, validUntil);
        if (!_isAgency(agency)) revert ConsentRegistryNotAnAgency(agency);
        // The agency's own registration bounds every grant to it, consent or statutory; an agency
        // holding the role but never registered has declared nothing, so everything is in excess.
        uint256 excess = agencyRegistry.excessScopes(agency, purpose, scopes);
        if (excess != 0) revert ConsentRegistryAgencyNotRegisteredFor(agency, purpose, excess);
    }

    function _decide(
        bool agencyMatches,
        bool citizenMatches,
        ConsentStatus status,
        uint256 grantedScopes,
        bytes32 grantedPurpose,
        uint64 validFrom,
        uint64 validUntil,
        address agency,
        bytes32 citizen,
        uint256 scopes,
        bytes32 purpose
    ) private view returns (Decision) {
        if (!agencyMatches) return Decision.WrongAgency;
        if (!citizenMatches) return Decision.WrongCitizen;
        if (!_isActiveSubject(citizen)) return Decision.CitizenInactive;
        if (!_isAgency(agency)) return Decision.AgencyNotAuthorized;
        if (status == ConsentStatus.Revoked) return Decision.Revoked;
        if (status == ConsentStatus.Paused) return Decision.Paused;
        if (scopes == 0 || scopes & ~grantedScopes != 0) return Decision.ScopeNotCovered;
        if (purpose != grantedPurpose) return Decision.WrongPurpose;
        uint64 now_ = _time();
        if (now_ < validFrom) return Decision.NotYetValid;
        if (now_ >= validUntil) return Decision.Expired;
        // The registration as it stands now, not as it stood at the grant: a narrowed registration
        // ends what it no longer covers here too, so the chain and the gateway give the same answer.
        if (agencyRegistry.excessScopes(agency, purpose, scopes) != 0) return Decision.AgencyNotRegisteredFor;
        return Decision.Allowed;
    }

    function _statutoryGrant(bytes32 grantId) private view returns (StatutoryGrant storage record) {
        record = _statutory[grantId];
        if (record.grantedAt == 0) revert ConsentRegistryUnknownStatutoryGrant(grantId);
    }

    /// @dev Agencies are accounts holding the agency role with no execution delay in the AccessManager.
    function _isAgency(address account) private view returns (bool) {
        return _hasRole(ImiRoles.AGENCY, account);
    }

    function _hasRole(uint64 role, address account) private view returns (bool) {
        (bool isMember, uint32 delay) = IAccessManager(authority()).hasRole(role, account);
        return isMember && delay == 0;
    }
}
