import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * Deploys and wires IMI on any EVM JSON-RPC endpoint (Hardhat's network, the embedded node, Besu).
 *
 * Parameters (module "Imi"):
 * - `governor` (address, required): becomes the AccessManager admin. The deploying account ends
 *   with no role at all.
 * - `roles` / `accounts` (uint64[] / address[], same length): initial role grants, e.g.
 *   roles [1, 5] and accounts [registrar, gateway]. Role ids: 1 registrar, 2 issuer, 3 agency,
 *   4 auditor, 5 gateway, 6 attester, 7 counter, 8 credit authority (see contracts/utils/ImiRoles.sol).
 * - `allowlist` (address[]): accounts admitted to send transactions (AccountRules).
 * - `recoveryDelay` (seconds, default 3 days): how long a registrar-started key recovery waits
 *   for the current key to object.
 */
export default buildModule("Imi", (m) => {
  const governor = m.getParameter<string>("governor");
  const roles = m.getParameter<number[]>("roles", []);
  const accounts = m.getParameter<string[]>("accounts", []);
  const allowlist = m.getParameter<string[]>("allowlist", []);
  const recoveryDelay = m.getParameter<number>("recoveryDelay", 3 * 24 * 60 * 60);

  const bootstrap = m.contract("ImiBootstrap");
  const accessManager = m.contract("ImiAccessManager", [bootstrap]);
  const identityRegistry = m.contract("IdentityRegistry", [accessManager, recoveryDelay]);
  const credentialRegistry = m.contract("CredentialRegistry", [accessManager]);
  // Enterprises and credit check their roles (7 counter, 8 credit authority) in the same AccessManager
  // themselves, so the bootstrap's wiring below does not name them.
  const enterpriseRegistry = m.contract("EnterpriseRegistry", [accessManager, identityRegistry]);
  // What each agency may ask for, per purpose; its writes are the governor's (no wiring needed).
  const agencyRegistry = m.contract("AgencyRegistry", [accessManager]);
  // Consents have two kinds of subject: citizens and enterprises (through their representatives).
  const consentRegistry = m.contract("ConsentRegistry", [accessManager, identityRegistry, enterpriseRegistry, agencyRegistry]);
  const accessLog = m.contract("AccessLog", [accessManager]);
  const accountRules = m.contract("AccountRules", [accessManager]);
  const creditRegistry = m.contract("CreditRegistry", [accessManager, identityRegistry, enterpriseRegistry, credentialRegistry]);
  // Community facts and neighbours' shares; checks the attester role (6) itself, so no wiring either.
  const communityRegistry = m.contract("CommunityRegistry", [accessManager, identityRegistry]);
  // Citizens' passkey accounts (ERC-1271 over WebAuthn); holds no role and needs no wiring.
  const passkeyAccountFactory = m.contract("PasskeyAccountFactory");

  m.call(bootstrap, "configure", [
    {
      manager: accessManager,
      identityRegistry,
      credentialRegistry,
      consentRegistry,
      accessLog,
      accountRules,
    },
    governor,
    roles,
    accounts,
    allowlist,
  ]);

  return {
    accessManager,
    identityRegistry,
    credentialRegistry,
    consentRegistry,
    accessLog,
    accountRules,
    enterpriseRegistry,
    creditRegistry,
    agencyRegistry,
    communityRegistry,
    bootstrap,
    passkeyAccountFactory,
  };
});
