// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/**
 * @dev Role ids in the one AccessManager that governs IMI. The governor is the AccessManager's
 * ADMIN_ROLE (0): every function not given another role below is governor-only, so a function
 * left out of the wiring fails closed.
 */
library ImiRoles {
    uint64 internal constant GOVERNOR = 0;
    /// @dev Service window staff: registers identities, starts key recovery, appoints guardians.
    uint64 internal constant REGISTRAR = 1;
    /// @dev Departments that anchor credentials; trust is further granted per schema.
    uint64 internal constant ISSUER = 2;
    /// @dev Departments and services that may receive consents and read data through the gateway.
    uint64 internal constant AGENCY = 3;
    /// @dev Reviews statutory access and reads the whole access log.
    uint64 internal constant AUDITOR = 4;
    /// @dev Gateways that anchor access-log batches.
    uint64 internal constant GATEWAY = 5;
    /// @dev Community attesters ("employed", "no criminal record").
    uint64 internal constant ATTESTER = 6;
}
