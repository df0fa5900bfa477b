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
    /// @dev The legal-person one-door counter: registers enterprises and their legal representatives.
    uint64 internal constant COUNTER = 7;
    /// @dev Keeps red- and black-list entries (per credit schema, with issuer trust) and decides credit repair.
    uint64 internal constant CREDIT_AUTHORITY = 8;
    /// @dev Verifier devices (a door, a counter, a hospital reception): check a citizen's one code and read no data.
    uint64 internal constant VERIFIER = 9;
    /// @dev Department systems that own a data category at its source: sign yes/no answers to predicates
    /// on their own data, and their officers record approval steps of service applications.
    uint64 internal constant DEPARTMENT = 10;
}
