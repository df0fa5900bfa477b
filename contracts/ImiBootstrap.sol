// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";
import {IIdentityRegistry} from "./interfaces/IIdentityRegistry.sol";
import {ICredentialRegistry} from "./interfaces/ICredentialRegistry.sol";
import {IConsentRegistry} from "./interfaces/IConsentRegistry.sol";
import {IAccessLog} from "./interfaces/IAccessLog.sol";
import {IAccountRules} from "./interfaces/IAccountRules.sol";
import {ImiRoles} from "./utils/ImiRoles.sol";

/**
 * @title ImiBootstrap
 * @notice Wires a fresh IMI deployment in one transaction and then holds nothing.
 * @dev The AccessManager is created with this contract as its only admin. {configure} maps every
 * restricted function to its role (selectors are taken from the interfaces, so the compiler
 * checks them), grants the initial roles, fills the account allowlist, makes the governor admin
 * and renounces its own admin role. The deployer account never holds a role, and a function left
 * out of the mapping stays governor-only (fails closed).
 */
contract ImiBootstrap {
    struct Deployment {
        IAccessManager manager;
        address identityRegistry;
        address credentialRegistry;
        address consentRegistry;
        address accessLog;
        address accountRules;
    }

    event Configured(address indexed manager, address indexed governor);

    error ImiBootstrapUnauthorized(address caller);
    error ImiBootstrapAlreadyConfigured();
    error ImiBootstrapZeroAddress();
    error ImiBootstrapArrayLengthMismatch(uint256 roles, uint256 accounts);
    /// @dev Only the governor is admin; the bootstrap never hands out the admin or public role.
    error ImiBootstrapForbiddenRole(uint64 role);

    address private immutable _deployer;
    bool private _configured;

    constructor() {
        _deployer = msg.sender;
    }

    /**
     * @dev Requirements: called once, by the deployer; non-zero governor and addresses;
     * `roles` and `accounts` of equal length; no grant of the admin or public role.
     */
    function configure(
        Deployment calldata deployment,
        address governor,
        uint64[] calldata roles,
        address[] calldata accounts,
        address[] calldata allowlist
    ) external {
        if (msg.sender != _deployer) revert ImiBootstrapUnauthorized(msg.sender);
        if (_configured) revert ImiBootstrapAlreadyConfigured();
        if (roles.length != accounts.length) revert ImiBootstrapArrayLengthMismatch(roles.length, accounts.length);
        if (
            governor == address(0) || address(deployment.manager) == address(0)
                || deployment.identityRegistry == address(0) || deployment.credentialRegistry == address(0)
                || deployment.consentRegistry == address(0) || deployment.accessLog == address(0)
                || deployment.accountRules == address(0)
        ) revert ImiBootstrapZeroAddress();
        _configured = true;

        IAccessManager manager = deployment.manager;
        _wire(deployment);
        _labelRoles(manager);
        for (uint256 i = 0; i < roles.length; ++i) {
            if (roles[i] == ImiRoles.GOVERNOR || roles[i] == type(uint64).max) revert ImiBootstrapForbiddenRole(roles[i]);
            manager.grantRole(roles[i], accounts[i], 0);
        }
        if (allowlist.length != 0) IAccountRules(deployment.accountRules).allowMany(allowlist);
        manager.grantRole(ImiRoles.GOVERNOR, governor, 0);
        manager.renounceRole(ImiRoles.GOVERNOR, address(this));
        emit Configured(address(manager), governor);
    }

    function _wire(Deployment calldata d) private {
        IAccessManager manager = d.manager;

        bytes4[] memory registrar = new bytes4[](6);
        registrar[0] = IIdentityRegistry.register.selector;
        registrar[1] = IIdentityRegistry.updateRecord.selector;
        registrar[2] = IIdentityRegistry.initiateRecovery.selector;
        registrar[3] = IIdentityRegistry.appointGuardian.selector;
        registrar[4] = IIdentityRegistry.deactivate.selector;
        registrar[5] = IIdentityRegistry.registerBatch.selector;
        manager.setTargetFunctionRole(d.identityRegistry, registrar, ImiRoles.REGISTRAR);

        bytes4[] memory attester = new bytes4[](1);
        attester[0] = IIdentityRegistry.attest.selector;
        manager.setTargetFunctionRole(d.identityRegistry, attester, ImiRoles.ATTESTER);

        bytes4[] memory issuer = new bytes4[](3);
        issuer[0] = ICredentialRegistry.anchor.selector;
        issuer[1] = ICredentialRegistry.anchorMany.selector;
        issuer[2] = ICredentialRegistry.anchorBatch.selector;
        manager.setTargetFunctionRole(d.credentialRegistry, issuer, ImiRoles.ISSUER);

        bytes4[] memory auditor = new bytes4[](1);
        auditor[0] = IConsentRegistry.reviewStatutory.selector;
        manager.setTargetFunctionRole(d.consentRegistry, auditor, ImiRoles.AUDITOR);

        bytes4[] memory gateway = new bytes4[](1);
        gateway[0] = IAccessLog.anchor.selector;
        manager.setTargetFunctionRole(d.accessLog, gateway, ImiRoles.GATEWAY);
        // Everything else (recovery delay, schemas, issuer trust, statutory grants, the allowlist)
        // keeps the AccessManager default: governor only.
    }

    function _labelRoles(IAccessManager manager) private {
        manager.labelRole(ImiRoles.REGISTRAR, "REGISTRAR");
        manager.labelRole(ImiRoles.ISSUER, "ISSUER");
        manager.labelRole(ImiRoles.AGENCY, "AGENCY");
        manager.labelRole(ImiRoles.AUDITOR, "AUDITOR");
        manager.labelRole(ImiRoles.GATEWAY, "GATEWAY");
        manager.labelRole(ImiRoles.ATTESTER, "ATTESTER");
        manager.labelRole(ImiRoles.VERIFIER, "VERIFIER");
    }
}
