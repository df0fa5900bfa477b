// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IAgencyRegistry} from "./interfaces/IAgencyRegistry.sol";

/// @title AgencyRegistry
/// @notice What each agency may ask for, per declared purpose. See {IAgencyRegistry}.
/// @dev Its writes are `restricted` and mapped to no role, so the AccessManager leaves them to the
/// governor (its admin role) with no wiring: a deployment made before this contract only deploys it.
contract AgencyRegistry is IAgencyRegistry, AccessManaged {
    mapping(address agency => Registration) private _registrations;
    mapping(address agency => mapping(bytes32 purpose => uint256 scopes)) private _scopes;

    constructor(address authority) AccessManaged(authority) {}

    /// @inheritdoc IAgencyRegistry
    function register(address agency, Profile calldata profile, PurposeDeclaration[] calldata purposes)
        external
        restricted
    {
        if (agency == address(0)) revert AgencyRegistryZeroAddress();
        _checkProfile(profile);
        bytes32 profileHash = profileHashOf(profile);
        Registration storage r = _registrations[agency];
        uint64 now_ = uint64(block.timestamp);
        if (r.registeredAt == 0) r.registeredAt = now_;
        r.updatedAt = now_;
        r.profileHash = profileHash;
        emit AgencyRegistered(agency, profileHash, profile);
        _declare(agency, purposes);
    }

    /// @inheritdoc IAgencyRegistry
    function declarePurposes(address agency, PurposeDeclaration[] calldata purposes) external restricted {
        if (_registrations[agency].registeredAt == 0) revert AgencyRegistryNotRegistered(agency);
        _registrations[agency].updatedAt = uint64(block.timestamp);
        _declare(agency, purposes);
    }

    /// @inheritdoc IAgencyRegistry
    function getRegistration(address agency) external view returns (Registration memory) {
        return _registrations[agency];
    }

    /// @inheritdoc IAgencyRegistry
    function isRegistered(address agency) external view returns (bool) {
        return _registrations[agency].registeredAt != 0;
    }

    /// @inheritdoc IAgencyRegistry
    function scopesFor(address agency, bytes32 purpose) external view returns (uint256) {
        return _scopes[agency][purpose];
    }

    /// @inheritdoc IAgencyRegistry
    function excessScopes(address agency, bytes32 purpose, uint256 scopes) external view returns (uint256) {
        // An unregistered agency has no declared purposes, so every asked category is in excess.
        return scopes & ~_scopes[agency][purpose];
    }

    /// @inheritdoc IAgencyRegistry
    function profileHashOf(Profile calldata profile) public pure returns (bytes32) {
        return keccak256(abi.encode(profile));
    }

    /// @dev The list is the caller's calldata, not storage: its length is bounded by the transaction.
    function _declare(address agency, PurposeDeclaration[] calldata purposes) private {
        for (uint256 i = 0; i < purposes.length; ++i) {
            PurposeDeclaration calldata p = purposes[i];
            if (p.purpose == bytes32(0)) revert AgencyRegistryZeroPurpose();
            if (p.scopes != 0 && (bytes(p.nameZh).length == 0 || bytes(p.nameEn).length == 0)) {
                revert AgencyRegistryUnnamedPurpose(p.purpose);
            }
            _scopes[agency][p.purpose] = p.scopes;
            emit AgencyPurposeDeclared(agency, p.purpose, p.scopes, p.nameZh, p.nameEn);
        }
    }

    function _checkProfile(Profile calldata p) private pure {
        if (bytes(p.nameZh).length == 0) revert AgencyRegistryEmptyText(0);
        if (bytes(p.nameEn).length == 0) revert AgencyRegistryEmptyText(1);
        if (bytes(p.contact).length == 0) revert AgencyRegistryEmptyText(2);
        if (bytes(p.legalBasisZh).length == 0) revert AgencyRegistryEmptyText(3);
        if (bytes(p.legalBasisEn).length == 0) revert AgencyRegistryEmptyText(4);
    }
}
