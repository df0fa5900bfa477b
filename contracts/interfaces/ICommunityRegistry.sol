// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IImiSigned} from "./IImiSigned.sol";

/**
 * @title ICommunityRegistry
 * @dev Community trust (共享社区): yes/no facts an authority endorses about a resident ("stable
 * employment", "no criminal record"), and the resident's consent that one neighbour (another
 * registered citizen) may see chosen facts for a while.
 *
 * What the public chain shows: that an attester made a fact about a resident (by the resident's
 * identity id) and when it ends, and that the resident shares some facts (by their opaque ids) with
 * a neighbour until a time. What it does not show: the fact's topic or its value. A fact is stored
 * as `commitment = keccak256(abi.encode(resident, topic, value, salt))` with a random 32-byte salt
 * (sdk/community/communityFact.ts); the opening (topic, value, salt) stays off chain with the
 * gateway, which answers a neighbour only while {checkView} allows it, and logs every view.
 */
interface ICommunityRegistry is IImiSigned {
    struct Fact {
        bytes32 resident;
        address attester;
        bytes32 commitment;
        uint64 issuedAt;
        /// @dev 0 = no end.
        uint64 expiresAt;
        uint64 revokedAt;
    }

    struct Share {
        bytes32 resident;
        bytes32 neighbour;
        uint64 validUntil;
        uint64 grantedAt;
        uint64 revokedAt;
        /// @dev The resident's key that signed (or sent) the share.
        address grantedBy;
        uint8 factCount;
    }

    /// @dev What a resident signs (or sends) to share `facts` with `neighbour` until `validUntil`.
    struct ShareRequest {
        bytes32 resident;
        bytes32 neighbour;
        bytes32[] facts;
        uint64 validUntil;
    }

    /// @dev Why a neighbour may or may not see a fact now. Checked in this order.
    enum ViewDecision {
        Allowed,
        UnknownShare,
        WrongViewer,
        ResidentInactive,
        ViewerNotCitizen,
        Revoked,
        Expired,
        FactNotShared,
        FactRevoked,
        FactExpired
    }

    event FactAttested(bytes32 indexed uid, bytes32 indexed resident, address indexed attester, bytes32 commitment, uint64 expiresAt);
    event FactRevoked(bytes32 indexed uid, bytes32 indexed resident, address indexed attester);
    event FactsShared(
        bytes32 indexed shareId, bytes32 indexed resident, bytes32 indexed neighbour, bytes32[] facts, uint64 validUntil, address grantedBy
    );
    event ShareRevoked(bytes32 indexed shareId, bytes32 indexed resident, bytes32 indexed neighbour, address revokedBy);

    /// @dev The caller does not hold the attester role (6) without delay.
    error CommunityRegistryNotAnAttester(address account);
    error CommunityRegistryZeroHash();
    /// @dev The resident (or neighbour) is not an active registered citizen.
    error CommunityRegistryInactiveCitizen(bytes32 citizen);
    /// @dev `expiresAt` (a fact) or `validUntil` (a share) is in the past, or a share is longer than {MAX_SHARE_SECONDS}.
    error CommunityRegistryInvalidWindow(uint64 until, uint64 now);
    error CommunityRegistryUnknownFact(bytes32 uid);
    error CommunityRegistryFactRevoked(bytes32 uid);
    error CommunityRegistryFactExpired(bytes32 uid);
    /// @dev Only the attester that made a fact revokes it.
    error CommunityRegistryNotFactAttester(bytes32 uid, address account);
    /// @dev A share names a fact about someone else.
    error CommunityRegistryFactOfOther(bytes32 uid, bytes32 resident);
    /// @dev A share names no fact, more than {MAX_FACTS}, or one twice.
    error CommunityRegistryInvalidFacts(uint256 count);
    error CommunityRegistryDuplicateFact(bytes32 uid);
    /// @dev A resident shares with herself.
    error CommunityRegistrySelfShare(bytes32 resident);
    /// @dev `account` is not the resident's controller key.
    error CommunityRegistryNotResident(bytes32 resident, address account);
    error CommunityRegistryUnknownShare(bytes32 shareId);
    error CommunityRegistryShareRevoked(bytes32 shareId);

    /**
     * @dev An attester endorses a fact about `resident`: the salted commitment of its topic and
     * value, until `expiresAt` (0 = no end). Emits {FactAttested}.
     * Requirements: attester role (6); active resident; non-zero commitment; `expiresAt` 0 or in the future.
     */
    function attest(bytes32 resident, bytes32 commitment, uint64 expiresAt) external returns (bytes32 uid);

    /// @dev The attester that made `uid` revokes it (records the time). Emits {FactRevoked}.
    function revokeFact(bytes32 uid) external;

    /**
     * @dev The resident's controller key shares `request.facts` with `request.neighbour` until
     * `request.validUntil`. Emits {FactsShared}.
     * Requirements: the caller controls the active resident; the neighbour is another active
     * citizen; 1..{MAX_FACTS} distinct facts, each about the resident, not revoked, not expired;
     * `validUntil` in the future and at most {MAX_SHARE_SECONDS} away.
     */
    function share(ShareRequest calldata request) external returns (bytes32 shareId);

    /**
     * @dev {share} authorised by the resident's EIP-712 signature over
     * `Share(bytes32 resident,bytes32 neighbour,bytes32[] facts,uint64 validUntil,uint256 nonce,uint256 deadline)`.
     */
    function shareBySig(ShareRequest calldata request, Authorization calldata auth) external returns (bytes32 shareId);

    /// @dev The resident's controller key ends a share (records the time; final). Emits {ShareRevoked}.
    function revokeShare(bytes32 shareId) external;

    /// @dev {revokeShare} authorised by `RevokeShare(bytes32 shareId,uint256 nonce,uint256 deadline)`.
    function revokeShareBySig(bytes32 shareId, Authorization calldata auth) external;

    function getFact(bytes32 uid) external view returns (Fact memory);

    function getShare(bytes32 shareId) external view returns (Share memory);

    /// @dev Whether `uid` is one of the facts of `shareId` (whatever the share's state).
    function isShared(bytes32 shareId, bytes32 uid) external view returns (bool);

    /// @dev Whether the citizen `viewer` may see fact `uid` through `shareId` now, and if not, why.
    function checkView(bytes32 shareId, bytes32 viewer, bytes32 uid) external view returns (ViewDecision);
}
