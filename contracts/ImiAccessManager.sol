// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";

/// @title ImiAccessManager
/// @notice The one AccessManager holding every IMI role. Plain OpenZeppelin; named so it builds as a project artifact.
contract ImiAccessManager is AccessManager {
    constructor(address initialAdmin) AccessManager(initialAdmin) {}
}
