// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ICommunityRegistry} from "./interfaces/ICommunityRegistry.sol";
import {IIdentityRegistry} from "./interfaces/IIdentityRegistry.sol";
import {ImiSigned} from "./utils/ImiSigned.sol";
import {ImiRoleChecks} from "./utils/ImiRoleChecks.sol";
import {ImiRoles} from "./utils/ImiRoles.sol";

/// @title CommunityRegistry
/// @notice Endorsed yes/no facts about residents, and residents' consents to neighbours. See {ICommunityRegistry}.
contract CommunityRegistry is ICommunityRegistry, ImiSigned, ImiRoleChecks {
    // keccak256("Share(bytes32 resident,bytes32 neighbour,bytes32[] facts,uint64 validUntil,uint256 nonce,uint256 deadline)")
    bytes32 public constant SHARE_TYPEHASH = keccak256(
        "Share(bytes32 resident,bytes32 neighbour,bytes32[] facts,uint64 validUntil,uint256 nonce,uint256 deadline)"
    );
    // keccak256("RevokeShare(bytes32 shareId,uint256 nonce,uint256 deadline)")
    bytes32 public constant REVOKE_SHARE_TYPEHASH = keccak256("RevokeShare(bytes32 shareId,uint256 nonce,uint256 deadline)");

    /// @dev A share names at most this many facts (the catalogue has four topics; a bound keeps the loop small).
    uint256 public constant MAX_FACTS = 8;
    /// @dev Shares are time-boxed: at most a year.
    uint64 public constant MAX_SHARE_SECONDS = 366 days;

    IIdentityRegistry public immutable identityRegistry;

    mapping(bytes32 uid => Fact) private _facts;
    mapping(bytes32 shareId => Share) private _shares;
    mapping(bytes32 shareId => mapping(bytes32 uid => bool)) private _shared;
    uint256 private _factCount;
    uint256 private _shareCount;

    constructor(address authority, IIdentityRegistry identities)
        ImiSigned("IMI CommunityRegistry", "1")
        ImiRoleChecks(authority)
    {
        if (address(identities) == address(0)) revert CommunityRegistryZeroHash();
        identityRegistry = identities;
    }

    // ---------------------------------------------------------------- facts

    /// @inheritdoc ICommunityRegistry
    function attest(bytes32 resident, bytes32 commitment, uint64 expiresAt) external returns (bytes32 uid) {
        if (!_hasImiRole(ImiRoles.ATTESTER, msg.sender)) revert CommunityRegistryNotAnAttester(msg.sender);
        if (commitment == bytes32(0)) revert CommunityRegistryZeroHash();
        if (!identityRegistry.isActive(resident)) revert CommunityRegistryInactiveCitizen(resident);
        if (expiresAt != 0 && expiresAt <= _time()) revert CommunityRegistryInvalidWindow(expiresAt, _time());
        uid = keccak256(abi.encode(block.chainid, address(this), "fact", ++_factCount));
        _facts[uid] = Fact({
            resident: resident,
            attester: msg.sender,
            commitment: commitment,
            issuedAt: _time(),
            expiresAt: expiresAt,
            revokedAt: 0
        });
        emit FactAttested(uid, resident, msg.sender, commitment, expiresAt);
    }

    /// @inheritdoc ICommunityRegistry
    function revokeFact(bytes32 uid) external {
        Fact storage fact = _facts[uid];
        if (fact.issuedAt == 0) revert CommunityRegistryUnknownFact(uid);
        if (fact.attester != msg.sender) revert CommunityRegistryNotFactAttester(uid, msg.sender);
        if (fact.revokedAt != 0) revert CommunityRegistryFactRevoked(uid);
        fact.revokedAt = _time();
        emit FactRevoked(uid, fact.resident, msg.sender);
    }

    // ---------------------------------------------------------------- shares

    /// @inheritdoc ICommunityRegistry
    function share(ShareRequest calldata request) external returns (bytes32) {
        return _share(msg.sender, request);
    }

    /// @inheritdoc ICommunityRegistry
    function shareBySig(ShareRequest calldata request, Authorization calldata auth) external returns (bytes32) {
        bytes32 structHash = keccak256(
            abi.encode(
                SHARE_TYPEHASH,
                request.resident,
                request.neighbour,
                // EIP-712 encodes an array as the hash of its members' encodings concatenated; bytes32
                // members are fixed-size, so the packed form is exactly that and cannot be ambiguous.
                keccak256(abi.encodePacked(request.facts)),
                request.validUntil,
                nonces(auth.signer),
                auth.deadline
            )
        );
        return _share(_useAuthorization(auth, structHash), request);
    }

    /// @inheritdoc ICommunityRegistry
    function revokeShare(bytes32 shareId) external {
        _revokeShare(msg.sender, shareId);
    }

    /// @inheritdoc ICommunityRegistry
    function revokeShareBySig(bytes32 shareId, Authorization calldata auth) external {
        bytes32 structHash = keccak256(abi.encode(REVOKE_SHARE_TYPEHASH, shareId, nonces(auth.signer), auth.deadline));
        _revokeShare(_useAuthorization(auth, structHash), shareId);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc ICommunityRegistry
    function getFact(bytes32 uid) external view returns (Fact memory) {
        return _facts[uid];
    }

    /// @inheritdoc ICommunityRegistry
    function getShare(bytes32 shareId) external view returns (Share memory) {
        return _shares[shareId];
    }

    /// @inheritdoc ICommunityRegistry
    function isShared(bytes32 shareId, bytes32 uid) external view returns (bool) {
        return _shared[shareId][uid];
    }

    /// @inheritdoc ICommunityRegistry
    function checkView(bytes32 shareId, bytes32 viewer, bytes32 uid) external view returns (ViewDecision) {
        Share storage s = _shares[shareId];
        if (s.grantedAt == 0) return ViewDecision.UnknownShare;
        if (s.neighbour != viewer) return ViewDecision.WrongViewer;
        if (!identityRegistry.isActive(s.resident)) return ViewDecision.ResidentInactive;
        if (!identityRegistry.isActive(viewer)) return ViewDecision.ViewerNotCitizen;
        if (s.revokedAt != 0) return ViewDecision.Revoked;
        uint64 now_ = _time();
        if (now_ >= s.validUntil) return ViewDecision.Expired;
        if (!_shared[shareId][uid]) return ViewDecision.FactNotShared;
        Fact storage fact = _facts[uid];
        if (fact.revokedAt != 0) return ViewDecision.FactRevoked;
        if (fact.expiresAt != 0 && now_ >= fact.expiresAt) return ViewDecision.FactExpired;
        return ViewDecision.Allowed;
    }

    // ---------------------------------------------------------------- internals

    function _share(address actor, ShareRequest calldata request) private returns (bytes32 shareId) {
        _requireResident(request.resident, actor);
        if (request.neighbour == request.resident) revert CommunityRegistrySelfShare(request.resident);
        if (!identityRegistry.isActive(request.neighbour)) revert CommunityRegistryInactiveCitizen(request.neighbour);
        uint64 now_ = _time();
        if (request.validUntil <= now_ || request.validUntil > now_ + MAX_SHARE_SECONDS) {
            revert CommunityRegistryInvalidWindow(request.validUntil, now_);
        }
        uint256 count = request.facts.length;
        if (count == 0 || count > MAX_FACTS) revert CommunityRegistryInvalidFacts(count);
        shareId = keccak256(abi.encode(block.chainid, address(this), "share", ++_shareCount));
        for (uint256 i = 0; i < count; ++i) {
            bytes32 uid = request.facts[i];
            Fact storage fact = _facts[uid];
            if (fact.issuedAt == 0) revert CommunityRegistryUnknownFact(uid);
            if (fact.resident != request.resident) revert CommunityRegistryFactOfOther(uid, fact.resident);
            if (fact.revokedAt != 0) revert CommunityRegistryFactRevoked(uid);
            if (fact.expiresAt != 0 && now_ >= fact.expiresAt) revert CommunityRegistryFactExpired(uid);
            if (_shared[shareId][uid]) revert CommunityRegistryDuplicateFact(uid);
            _shared[shareId][uid] = true;
        }
        _shares[shareId] = Share({
            resident: request.resident,
            neighbour: request.neighbour,
            validUntil: request.validUntil,
            grantedAt: now_,
            revokedAt: 0,
            grantedBy: actor,
            // Bounded by MAX_FACTS above.
            factCount: uint8(count)
        });
        emit FactsShared(shareId, request.resident, request.neighbour, request.facts, request.validUntil, actor);
    }

    function _revokeShare(address actor, bytes32 shareId) private {
        Share storage s = _shares[shareId];
        if (s.grantedAt == 0) revert CommunityRegistryUnknownShare(shareId);
        _requireResident(s.resident, actor);
        if (s.revokedAt != 0) revert CommunityRegistryShareRevoked(shareId);
        s.revokedAt = _time();
        emit ShareRevoked(shareId, s.resident, s.neighbour, actor);
    }

    /// @dev Only the resident's own current key shares her facts: a neighbour's view is a personal matter,
    /// not one a guardian's scopes were drawn for.
    function _requireResident(bytes32 resident, address actor) private view {
        if (!identityRegistry.isActive(resident)) revert CommunityRegistryInactiveCitizen(resident);
        if (identityRegistry.controllerOf(resident) != actor) revert CommunityRegistryNotResident(resident, actor);
    }
}
