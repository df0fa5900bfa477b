// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";

/**
 * @dev Asks IMI's one AccessManager whether an account holds a role, without reverting.
 *
 * Registries added after the first deployment check their roles here instead of through
 * `restricted` + `setTargetFunctionRole`: the bootstrap renounced the AccessManager's admin role,
 * so wiring new function selectors would need a governor transaction per deployment. Granting the
 * role is still the governor's act in the same AccessManager, and a role with an execution delay
 * counts as not held (fails closed, as `restricted` would refuse an immediate call).
 */
abstract contract ImiRoleChecks is AccessManaged {
    constructor(address authority) AccessManaged(authority) {}

    function _hasImiRole(uint64 role, address account) internal view returns (bool) {
        (bool isMember, uint32 delay) = IAccessManager(authority()).hasRole(role, account);
        return isMember && delay == 0;
    }
}
