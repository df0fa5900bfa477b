import type { ImiBaseClient, ImiClientConfig } from "./ImiBaseClient.js";
import { createBaseClient } from "./ImiBaseClient.js";
import type { ImiDeployment } from "./deployment.js";
import { anchorLogBatch } from "../actions/accessLog/anchorLogBatch.js";
import { getLogBatches } from "../actions/accessLog/getLogBatches.js";
import { getLogHead } from "../actions/accessLog/getLogHead.js";
import { verifyAccessLog } from "../actions/accessLog/verifyAccessLog.js";
import { verifyAccessLogProof } from "../actions/accessLog/verifyAccessLogProof.js";
import { bumpNonce } from "../actions/common/bumpNonce.js";
import { getNonce } from "../actions/common/getNonce.js";
import { signTypedData } from "../actions/common/signTypedData.js";
import { checkAccess } from "../actions/consent/checkAccess.js";
import { confirmConsent, signConfirmConsent } from "../actions/consent/confirmConsent.js";
import { consumeConsent } from "../actions/consent/consumeConsent.js";
import { getConsent } from "../actions/consent/getConsent.js";
import { grantConsent, signGrantConsent } from "../actions/consent/grantConsent.js";
import { grantStatutoryAccess } from "../actions/consent/grantStatutoryAccess.js";
import { registerAgency } from "../actions/agency/registerAgency.js";
import { declareAgencyPurposes } from "../actions/agency/declareAgencyPurposes.js";
import { getAgencyExcessScopes } from "../actions/agency/getAgencyExcessScopes.js";
import { listConsents } from "../actions/consent/listConsents.js";
import { pauseConsent, signPauseConsent } from "../actions/consent/pauseConsent.js";
import { resumeConsent, signResumeConsent } from "../actions/consent/resumeConsent.js";
import { reviewStatutoryAccess } from "../actions/consent/reviewStatutoryAccess.js";
import { revokeConsent, signRevokeConsent } from "../actions/consent/revokeConsent.js";
import { revokeStatutoryAccess } from "../actions/consent/revokeStatutoryAccess.js";
import { anchorCredential } from "../actions/credentials/anchorCredential.js";
import { anchorCredentialBatch } from "../actions/credentials/anchorCredentialBatch.js";
import { anchorCredentials } from "../actions/credentials/anchorCredentials.js";
import { deprecateSchema } from "../actions/credentials/deprecateSchema.js";
import { getCredential } from "../actions/credentials/getCredential.js";
import { getCredentialBatch } from "../actions/credentials/getCredentialBatch.js";
import { getCredentialStatus } from "../actions/credentials/getCredentialStatus.js";
import { getSchema } from "../actions/credentials/getSchema.js";
import { registerSchema } from "../actions/credentials/registerSchema.js";
import { reinstateCredential } from "../actions/credentials/reinstateCredential.js";
import { revokeCredential } from "../actions/credentials/revokeCredential.js";
import { setCredentialBatchStatus } from "../actions/credentials/setCredentialBatchStatus.js";
import { setIssuerTrust } from "../actions/credentials/setIssuerTrust.js";
import { suspendCredential } from "../actions/credentials/suspendCredential.js";
import { verifyCredential } from "../actions/credentials/verifyCredential.js";
import { addGuardian, signAddGuardian } from "../actions/identity/addGuardian.js";
import { attest } from "../actions/identity/attest.js";
import { authorizes } from "../actions/identity/authorizes.js";
import { cancelRecovery, signCancelRecovery } from "../actions/identity/cancelRecovery.js";
import { completeRecovery } from "../actions/identity/completeRecovery.js";
import { deactivateIdentity } from "../actions/identity/deactivateIdentity.js";
import { getAttestation } from "../actions/identity/getAttestation.js";
import { getGuardian } from "../actions/identity/getGuardian.js";
import { getIdentity } from "../actions/identity/getIdentity.js";
import { getRecovery } from "../actions/identity/getRecovery.js";
import { identityOf } from "../actions/identity/identityOf.js";
import { initiateRecovery } from "../actions/identity/initiateRecovery.js";
import { registerIdentity } from "../actions/identity/registerIdentity.js";
import { removeGuardian, signRemoveGuardian } from "../actions/identity/removeGuardian.js";
import { revokeAttestation } from "../actions/identity/revokeAttestation.js";
import { rotateKey, signRotateKey } from "../actions/identity/rotateKey.js";
import { updateRecord } from "../actions/identity/updateRecord.js";
import { setRecoveryDelay } from "../actions/identity/setRecoveryDelay.js";
import { grantRole } from "../actions/accessManager/grantRole.js";
import { hasRole } from "../actions/accessManager/hasRole.js";
import { labelRole } from "../actions/accessManager/labelRole.js";
import { revokeRole } from "../actions/accessManager/revokeRole.js";
import { isAccountAllowed } from "../actions/accountRules/isAccountAllowed.js";
import { setAccountAllowed } from "../actions/accountRules/setAccountAllowed.js";
import { verifyIdentityProof } from "../actions/identity/verifyIdentityProof.js";
import { proveIdentity } from "../actions/identity/proveIdentity.js";
import { gatewayRequest, type GatewayRequestParameters, type GatewayRequestReturnType } from "../actions/gateway/gatewayRequest.js";
import { verifyPredicateAnswer, type VerifyPredicateAnswerParameters, type VerifyPredicateAnswerReturnType } from "../actions/gateway/verifyPredicateAnswer.js";

type Action = (client: ImiBaseClient, parameters: never) => unknown;
type Bound<T extends Record<string, Action>> = {
  [K in keyof T]: T[K] extends (client: ImiBaseClient, parameters: infer P) => infer R ? (parameters: P) => R : never;
};

function bind<T extends Record<string, Action>>(client: ImiBaseClient, actions: T): Bound<T> {
  return Object.fromEntries(
    Object.entries(actions).map(([name, fn]) => [name, (parameters: never) => fn(client, parameters)]),
  ) as Bound<T>;
}

const identityActions = {
  register: registerIdentity,
  updateRecord,
  rotateKey,
  signRotateKey,
  initiateRecovery,
  cancelRecovery,
  signCancelRecovery,
  completeRecovery,
  setRecoveryDelay,
  addGuardian,
  signAddGuardian,
  removeGuardian,
  signRemoveGuardian,
  deactivate: deactivateIdentity,
  attest,
  revokeAttestation,
  get: getIdentity,
  identityOf,
  getGuardian,
  getRecovery,
  authorizes,
  getAttestation,
  prove: proveIdentity,
  verifyProof: verifyIdentityProof,
};
const credentialActions = {
  registerSchema,
  deprecateSchema,
  setIssuerTrust,
  getSchema,
  anchor: anchorCredential,
  anchorMany: anchorCredentials,
  anchorBatch: anchorCredentialBatch,
  revoke: revokeCredential,
  suspend: suspendCredential,
  reinstate: reinstateCredential,
  setBatchStatus: setCredentialBatchStatus,
  status: getCredentialStatus,
  get: getCredential,
  getBatch: getCredentialBatch,
  verify: verifyCredential,
};
const consentActions = {
  grant: grantConsent,
  signGrant: signGrantConsent,
  revoke: revokeConsent,
  signRevoke: signRevokeConsent,
  pause: pauseConsent,
  signPause: signPauseConsent,
  resume: resumeConsent,
  signResume: signResumeConsent,
  confirm: confirmConsent,
  signConfirm: signConfirmConsent,
  consume: consumeConsent,
  get: getConsent,
  list: listConsents,
  check: checkAccess,
  grantStatutory: grantStatutoryAccess,
  revokeStatutory: revokeStatutoryAccess,
  reviewStatutory: reviewStatutoryAccess,
};
const accessLogActions = {
  anchor: anchorLogBatch,
  head: getLogHead,
  batches: getLogBatches,
  verify: verifyAccessLog,
  verifyProof: verifyAccessLogProof,
};
const accountRulesActions = { setAllowed: setAccountAllowed, isAllowed: isAccountAllowed };
const agencyActions = { register: registerAgency, declarePurposes: declareAgencyPurposes, excessScopes: getAgencyExcessScopes };
const rolesActions = { grant: grantRole, revoke: revokeRole, label: labelRole, has: hasRole };
const signingActions = { getNonce, bumpNonce, signTypedData };

export type ImiClient = ImiBaseClient & {
  identity: Bound<typeof identityActions>;
  credentials: Bound<typeof credentialActions>;
  consent: Bound<typeof consentActions>;
  accessLog: Bound<typeof accessLogActions>;
  signing: Bound<typeof signingActions>;
  /** The chain's transaction allowlist (AccountRules). */
  accountRules: Bound<typeof accountRulesActions>;
  /** Roles in the AccessManager (the governor grants, revokes and labels them). */
  roles: Bound<typeof rolesActions>;
  /** What agencies registered they may ask for, per purpose (the governor registers and declares). */
  agencies: Bound<typeof agencyActions>;
  /** Calls to the IMI gateway (needs `gateway` in the config). */
  gateway: {
    request<T = unknown>(parameters: GatewayRequestParameters): Promise<GatewayRequestReturnType<T>>;
    /** Checks a gateway's signed yes/no (signer holds the gateway role on chain, question, request, time). */
    verifyPredicateAnswer(parameters: VerifyPredicateAnswerParameters): Promise<VerifyPredicateAnswerReturnType>;
  };
};

/** @internal Shared by the browser and Node entries, which differ only in how they read a deployment. */
export function buildImiClient(config: ImiClientConfig, deployment?: ImiDeployment): ImiClient {
  const base = createBaseClient(config, deployment);
  return Object.assign(base, {
    identity: bind(base, identityActions),
    credentials: bind(base, credentialActions),
    consent: bind(base, consentActions),
    accessLog: bind(base, accessLogActions),
    signing: bind(base, signingActions),
    accountRules: bind(base, accountRulesActions),
    roles: bind(base, rolesActions),
    agencies: bind(base, agencyActions),
    gateway: { request: <T>(parameters: GatewayRequestParameters) => gatewayRequest<T>(base, parameters), verifyPredicateAnswer: (parameters: VerifyPredicateAnswerParameters) => verifyPredicateAnswer(base, parameters) },
  });
}

/**
 * A client for one IMI deployment over any EVM JSON-RPC endpoint (an URL or an EIP-1193 provider).
 * Every action is also exported as a plain function taking the client first, for tree-shaking.
 *
 * @example
 * const client = createImiClient({ rpc: "http://127.0.0.1:8545", deployment, account });
 * const { consentId } = await client.consent.grant({ request });
 */
export function createImiClient(config: ImiClientConfig): ImiClient {
  return buildImiClient(config);
}
