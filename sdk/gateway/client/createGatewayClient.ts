// A typed client for every gateway route. Thin, as viem's clients are: it holds the URL, the fetch
// and the session token, and binds the one-per-file actions of sdk/actions/gateway to itself.
// Request and response types come from sdk/gateway/schemas, the objects the gateway validates with.
import { InvalidInputError } from "../../errors/errors.js";
import { getCitizenAccesses, type GetCitizenAccessesParameters } from "../../actions/gateway/getCitizenAccesses.js";
import { getCitizenConsents, type GetCitizenConsentsParameters } from "../../actions/gateway/getCitizenConsents.js";
import { getGatewayDeployment } from "../../actions/gateway/getGatewayDeployment.js";
import { getLoginChallenge } from "../../actions/gateway/getLoginChallenge.js";
import { loginCitizen, type LoginCitizenParameters } from "../../actions/gateway/loginCitizen.js";
import { loginStaff, type LoginStaffParameters } from "../../actions/gateway/loginStaff.js";
import { relayGrantConsent, type RelayGrantConsentParameters } from "../../actions/gateway/relayGrantConsent.js";
import { relayPauseConsent, type RelayPauseConsentParameters } from "../../actions/gateway/relayPauseConsent.js";
import { relayResumeConsent, type RelayResumeConsentParameters } from "../../actions/gateway/relayResumeConsent.js";
import { relayConfirmConsent, type RelayConfirmConsentParameters } from "../../actions/gateway/relayConfirmConsent.js";
import { relayRevokeConsent, type RelayRevokeConsentParameters } from "../../actions/gateway/relayRevokeConsent.js";
import { streamCitizenAccesses, type StreamCitizenAccessesParameters } from "../../actions/gateway/streamCitizenAccesses.js";
import { askPredicate, type AskPredicateParameters } from "../../actions/gateway/askPredicate.js";
import { askCreditPredicate, type AskCreditPredicateParameters } from "../../actions/gateway/askCreditPredicate.js";
import { getPublicCreditEntries, type GetPublicCreditEntriesParameters } from "../../actions/gateway/getPublicCreditEntries.js";
import { relayAppointStaff, type RelayAppointStaffParameters } from "../../actions/gateway/relayAppointStaff.js";
import { relayApplyForCreditRepair, type RelayApplyForCreditRepairParameters } from "../../actions/gateway/relayApplyForCreditRepair.js";
import { storeEnterpriseRecord, type StoreEnterpriseRecordParameters } from "../../actions/gateway/storeEnterpriseRecord.js";
import { getEnterpriseTracker, type GetEnterpriseTrackerParameters } from "../../actions/gateway/getEnterpriseTracker.js";
import { getCitizenEnterprises, type GetCitizenEnterprisesParameters } from "../../actions/gateway/getCitizenEnterprises.js";
import { getEnterpriseStaffList, type GetEnterpriseStaffListParameters } from "../../actions/gateway/getEnterpriseStaffList.js";
import { getEnterpriseConsents, type GetEnterpriseConsentsParameters } from "../../actions/gateway/getEnterpriseConsents.js";
import { getEnterpriseCredit, type GetEnterpriseCreditParameters } from "../../actions/gateway/getEnterpriseCredit.js";
import { relayRemoveStaff, type RelayRemoveStaffParameters } from "../../actions/gateway/relayRemoveStaff.js";
import { checkCredential, type CheckCredentialParameters } from "../../actions/gateway/checkCredential.js";
import { checkIdentityProof, type CheckIdentityProofParameters } from "../../actions/gateway/checkIdentityProof.js";
import { getOneCodeStaple, type GetOneCodeStapleParameters } from "../../actions/gateway/getOneCodeStaple.js";
import { checkOneCode, type CheckOneCodeParameters } from "../../actions/gateway/checkOneCode.js";
import { uploadOneCodeVerifications, type UploadOneCodeVerificationsParameters } from "../../actions/gateway/uploadOneCodeVerifications.js";
import { eraseCitizenRecord, type EraseCitizenRecordParameters } from "../../actions/gateway/eraseCitizenRecord.js";
import { getAgencyConsents, type GetAgencyConsentsParameters } from "../../actions/gateway/getAgencyConsents.js";
import { getAuditAccesses, type GetAuditAccessesParameters } from "../../actions/gateway/getAuditAccesses.js";
import { getGatewayHealth } from "../../actions/gateway/getGatewayHealth.js";
import { getDirectory } from "../../actions/gateway/getDirectory.js";
import { getCitizenRecovery, type GetCitizenRecoveryParameters } from "../../actions/gateway/getCitizenRecovery.js";
import { getCitizenCredentials, type GetCitizenCredentialsParameters } from "../../actions/gateway/getCitizenCredentials.js";
import { getCitizenGuardianship, type GetCitizenGuardianshipParameters } from "../../actions/gateway/getCitizenGuardianship.js";
import { getSignerNonces, type GetSignerNoncesParameters } from "../../actions/gateway/getSignerNonces.js";
import { getGatewayMetrics } from "../../actions/gateway/getGatewayMetrics.js";
import { getGatewayReadiness } from "../../actions/gateway/getGatewayReadiness.js";
import { getIdentityChallenge, type GetIdentityChallengeParameters } from "../../actions/gateway/getIdentityChallenge.js";
import { getReceipt, type GetReceiptParameters } from "../../actions/gateway/getReceipt.js";
import { getRegistrarBudget, type GetRegistrarBudgetParameters } from "../../actions/gateway/getRegistrarBudget.js";
import { readCitizenData, type ReadCitizenDataParameters } from "../../actions/gateway/readCitizenData.js";
import { registerCitizen, type RegisterCitizenParameters } from "../../actions/gateway/registerCitizen.js";
import { registerCitizens, type RegisterCitizensParameters } from "../../actions/gateway/registerCitizens.js";
import { relayAddGuardian, type RelayAddGuardianParameters } from "../../actions/gateway/relayAddGuardian.js";
import { relayCancelRecovery, type RelayCancelRecoveryParameters } from "../../actions/gateway/relayCancelRecovery.js";
import { relayRemoveGuardian, type RelayRemoveGuardianParameters } from "../../actions/gateway/relayRemoveGuardian.js";
import { relayRotateKey, type RelayRotateKeyParameters } from "../../actions/gateway/relayRotateKey.js";
import { verifyReceipt, type VerifyReceiptParameters } from "../../actions/gateway/verifyReceipt.js";
import { getCitizenServices, type GetCitizenServicesParameters } from "../../actions/gateway/getCitizenServices.js";
import { declineService, type DeclineServiceParameters } from "../../actions/gateway/declineService.js";
import { acceptService, type AcceptServiceParameters } from "../../actions/gateway/acceptService.js";
import { getTransactionParams, type GetTransactionParamsParameters } from "../../actions/gateway/getTransactionParams.js";
import { relayStaffTransaction, type RelayStaffTransactionParameters } from "../../actions/gateway/relayStaffTransaction.js";
import { callDeploymentContract, type CallDeploymentContractParameters } from "../../actions/gateway/callDeploymentContract.js";
import { getStatutoryGrants, type GetStatutoryGrantsParameters } from "../../actions/gateway/getStatutoryGrants.js";
import { receiveApplication, type ReceiveApplicationParameters } from "../../actions/gateway/receiveApplication.js";
import { recordApprovalStep, type RecordApprovalStepParameters } from "../../actions/gateway/recordApprovalStep.js";
import { getCitizenApprovals, type GetCitizenApprovalsParameters } from "../../actions/gateway/getCitizenApprovals.js";
import { getAuditApprovals, type GetAuditApprovalsParameters } from "../../actions/gateway/getAuditApprovals.js";
import { registerWebhook, type RegisterWebhookParameters } from "../../actions/gateway/registerWebhook.js";
import { getAgencyWebhooks, type GetAgencyWebhooksParameters } from "../../actions/gateway/getAgencyWebhooks.js";
import { removeWebhook, type RemoveWebhookParameters } from "../../actions/gateway/removeWebhook.js";
import { acknowledgeDelivery, type AcknowledgeDeliveryParameters } from "../../actions/gateway/acknowledgeDelivery.js";
import { getAgencyDataRequests, type GetAgencyDataRequestsParameters } from "../../actions/gateway/getAgencyDataRequests.js";
import { answerDataRequest, type AnswerDataRequestParameters } from "../../actions/gateway/answerDataRequest.js";
import { getCitizenDataRequests, type GetCitizenDataRequestsParameters } from "../../actions/gateway/getCitizenDataRequests.js";
import { sendDataRequest, type SendDataRequestParameters } from "../../actions/gateway/sendDataRequest.js";
import type { GatewayRouteName } from "../schemas/gatewayRoutes.js";
import { callGateway, type CallGatewayParameters } from "./callGateway.js";
import { publishCommunityFact, type PublishCommunityFactParameters } from "../../actions/gateway/publishCommunityFact.js";
import { getCommunityNonce, type GetCommunityNonceParameters } from "../../actions/gateway/getCommunityNonce.js";
import { relayShareCommunityFacts, type RelayShareCommunityFactsParameters } from "../../actions/gateway/relayShareCommunityFacts.js";
import { relayRevokeCommunityShare, type RelayRevokeCommunityShareParameters } from "../../actions/gateway/relayRevokeCommunityShare.js";
import { viewCommunityShare, type ViewCommunityShareParameters } from "../../actions/gateway/viewCommunityShare.js";
import { getCitizenCommunity, type GetCitizenCommunityParameters } from "../../actions/gateway/getCitizenCommunity.js";
import type { GatewayBaseClient, GatewayClientConfig } from "./GatewayBaseClient.js";

export type { GatewayBaseClient, GatewayClientConfig, GatewaySigner } from "./GatewayBaseClient.js";

/** The actions a gateway client offers, each bound to the client. */
export function gatewayActions(client: GatewayBaseClient) {
  const keep = <T extends { token: string }>(session: T): T => {
    client.token = session.token;
    return session;
  };
  return {
    // Sessions
    getLoginChallenge: () => getLoginChallenge(client),
    /** Logs a citizen (or guardian) in and keeps the token for the calls after it. */
    loginCitizen: async (p: LoginCitizenParameters) => keep(await loginCitizen(client, p)),
    /** Logs staff in (agency, registrar, issuer, auditor) and keeps the token for the calls after it. */
    loginStaff: async (p: LoginStaffParameters) => keep(await loginStaff(client, p)),
    /** Forgets the session token (the gateway's token expires on its own). */
    logout: () => {
      client.token = undefined;
    },
    // The citizen's own view
    getCitizenAccesses: (p?: GetCitizenAccessesParameters) => getCitizenAccesses(client, p),
    streamCitizenAccesses: (p?: StreamCitizenAccessesParameters) => streamCitizenAccesses(client, p),
    getCitizenConsents: (p?: GetCitizenConsentsParameters) => getCitizenConsents(client, p),
    // Relay of the citizen's signed consent changes
    relayGrantConsent: (p: RelayGrantConsentParameters) => relayGrantConsent(client, p),
    relayRevokeConsent: (p: RelayRevokeConsentParameters) => relayRevokeConsent(client, p),
    relayPauseConsent: (p: RelayPauseConsentParameters) => relayPauseConsent(client, p),
    relayResumeConsent: (p: RelayResumeConsentParameters) => relayResumeConsent(client, p),
    relayConfirmConsent: (p: RelayConfirmConsentParameters) => relayConfirmConsent(client, p),
    // Relay of the citizen's signed identity actions
    relayAddGuardian: (p: RelayAddGuardianParameters) => relayAddGuardian(client, p),
    relayRemoveGuardian: (p: RelayRemoveGuardianParameters) => relayRemoveGuardian(client, p),
    relayRotateKey: (p: RelayRotateKeyParameters) => relayRotateKey(client, p),
    relayCancelRecovery: (p: RelayCancelRecoveryParameters) => relayCancelRecovery(client, p),
    // Agencies
    readCitizenData: (p: ReadCitizenDataParameters) => readCitizenData(client, p),
    askPredicate: (p: AskPredicateParameters) => askPredicate(client, p),
    getIdentityChallenge: (p?: GetIdentityChallengeParameters) => getIdentityChallenge(client, p),
    checkIdentityProof: (p: CheckIdentityProofParameters) => checkIdentityProof(client, p),
    checkCredential: (p: CheckCredentialParameters) => checkCredential(client, p),
    // One code: the citizen's staple, a verifier device's checks online and uploaded from offline
    getOneCodeStaple: (p?: GetOneCodeStapleParameters) => getOneCodeStaple(client, p),
    checkOneCode: (p: CheckOneCodeParameters) => checkOneCode(client, p),
    uploadOneCodeVerifications: (p: UploadOneCodeVerificationsParameters) => uploadOneCodeVerifications(client, p),
    getAgencyConsents: (p?: GetAgencyConsentsParameters) => getAgencyConsents(client, p),
    // Auditors and anyone holding a receipt
    getAuditAccesses: (p?: GetAuditAccessesParameters) => getAuditAccesses(client, p),
    getReceipt: (p: GetReceiptParameters) => getReceipt(client, p),
    verifyReceipt: (p: VerifyReceiptParameters) => verifyReceipt(client, p),
    // Registrars
    getRegistrarBudget: (p?: GetRegistrarBudgetParameters) => getRegistrarBudget(client, p),
    registerCitizen: (p: RegisterCitizenParameters) => registerCitizen(client, p),
    registerCitizens: (p: RegisterCitizensParameters) => registerCitizens(client, p),
    eraseCitizenRecord: (p: EraseCitizenRecordParameters) => eraseCitizenRecord(client, p),
    /**
     * Any gateway call by path, under the same retry policy and typed errors: for a route newer
     * than this SDK. The typed methods are the way to call the routes it knows.
     */
    request: async <T = unknown>(p: Omit<CallGatewayParameters, "what"> & { what?: string }) =>
      (await callGateway<T>(client, { ...p, what: p.what ?? `${p.method} ${p.path}` })).body,
    // Operations
    getDeployment: () => getGatewayDeployment(client),
    getHealth: () => getGatewayHealth(client),
    getReadiness: () => getGatewayReadiness(client),
    getMetrics: () => getGatewayMetrics(client),
    getDirectory: () => getDirectory(client),
    getCitizenRecovery: (p?: GetCitizenRecoveryParameters) => getCitizenRecovery(client, p),
    getCitizenCredentials: (p?: GetCitizenCredentialsParameters) => getCitizenCredentials(client, p),
    getCitizenGuardianship: (p?: GetCitizenGuardianshipParameters) => getCitizenGuardianship(client, p),
    getSignerNonces: (p: GetSignerNoncesParameters) => getSignerNonces(client, p),
    // Credit: an agency's yes/no about a red or black list, and the public (公示) lookup
    askCreditPredicate: (p: AskCreditPredicateParameters) => askCreditPredicate(client, p),
    getPublicCreditEntries: (p: GetPublicCreditEntriesParameters) => getPublicCreditEntries(client, p),
    // Enterprises and credit repair: signed actions the gateway relays
    relayAppointStaff: (p: RelayAppointStaffParameters) => relayAppointStaff(client, p),
    relayApplyForCreditRepair: (p: RelayApplyForCreditRepairParameters) => relayApplyForCreditRepair(client, p),
    // Enterprises: the counter stores the record; representatives read the enterprise's tracker
    storeEnterpriseRecord: (p: StoreEnterpriseRecordParameters) => storeEnterpriseRecord(client, p),
    getEnterpriseTracker: (p: GetEnterpriseTrackerParameters) => getEnterpriseTracker(client, p),
    // Enterprises in the web app: whom a citizen acts for, and each one's staff, consents and credit
    getCitizenEnterprises: (p?: GetCitizenEnterprisesParameters) => getCitizenEnterprises(client, p),
    getEnterpriseStaffList: (p: GetEnterpriseStaffListParameters) => getEnterpriseStaffList(client, p),
    getEnterpriseConsents: (p: GetEnterpriseConsentsParameters) => getEnterpriseConsents(client, p),
    getEnterpriseCredit: (p: GetEnterpriseCreditParameters) => getEnterpriseCredit(client, p),
    relayRemoveStaff: (p: RelayRemoveStaffParameters) => relayRemoveStaff(client, p),
    // Life-event services (the citizen's session)
    getCitizenServices: (p?: GetCitizenServicesParameters) => getCitizenServices(client, p),
    declineService: (p: DeclineServiceParameters) => declineService(client, p),
    acceptService: (p: AcceptServiceParameters) => acceptService(client, p),
    // Webhooks and data requests: the agency's endpoints and answers, the citizen's requests
    registerWebhook: (p: RegisterWebhookParameters) => registerWebhook(client, p),
    getAgencyWebhooks: (p?: GetAgencyWebhooksParameters) => getAgencyWebhooks(client, p),
    removeWebhook: (p: RemoveWebhookParameters) => removeWebhook(client, p),
    acknowledgeDelivery: (p: AcknowledgeDeliveryParameters) => acknowledgeDelivery(client, p),
    getAgencyDataRequests: (p?: GetAgencyDataRequestsParameters) => getAgencyDataRequests(client, p),
    answerDataRequest: (p: AnswerDataRequestParameters) => answerDataRequest(client, p),
    getCitizenDataRequests: (p?: GetCitizenDataRequestsParameters) => getCitizenDataRequests(client, p),
    sendDataRequest: (p: SendDataRequestParameters) => sendDataRequest(client, p),
    // Staff at a desk (the web app): signing in the browser, relayed by the gateway
    getTransactionParams: (p: GetTransactionParamsParameters) => getTransactionParams(client, p),
    relayStaffTransaction: (p: RelayStaffTransactionParameters) => relayStaffTransaction(client, p),
    callDeploymentContract: (p: CallDeploymentContractParameters) => callDeploymentContract(client, p),
    getStatutoryGrants: (p?: GetStatutoryGrantsParameters) => getStatutoryGrants(client, p),
    // Community trust: an attester's fact, a resident's shares (relayed), a neighbour's view
    publishCommunityFact: (p: PublishCommunityFactParameters) => publishCommunityFact(client, p),
    getCommunityNonce: (p: GetCommunityNonceParameters) => getCommunityNonce(client, p),
    relayShareCommunityFacts: (p: RelayShareCommunityFactsParameters) => relayShareCommunityFacts(client, p),
    relayRevokeCommunityShare: (p: RelayRevokeCommunityShareParameters) => relayRevokeCommunityShare(client, p),
    viewCommunityShare: (p: ViewCommunityShareParameters) => viewCommunityShare(client, p),
    getCitizenCommunity: (p?: GetCitizenCommunityParameters) => getCitizenCommunity(client, p),
    // One-door supervision: officers record approval steps; the applicant and auditors read them
    receiveApplication: (p: ReceiveApplicationParameters) => receiveApplication(client, p),
    recordApprovalStep: (p: RecordApprovalStepParameters) => recordApprovalStep(client, p),
    getCitizenApprovals: (p?: GetCitizenApprovalsParameters) => getCitizenApprovals(client, p),
    getAuditApprovals: (p?: GetAuditApprovalsParameters) => getAuditApprovals(client, p),
  };
}

export type GatewayClient = GatewayBaseClient & ReturnType<typeof gatewayActions>;

/**
 * The client method behind each gateway route (sdk/gateway/schemas/gatewayRoutes). Typed as a
 * Record over the route names, so a route added to the table without a client method does not compile.
 */
export const gatewayClientMethods: Record<GatewayRouteName, keyof ReturnType<typeof gatewayActions>> = {
  health: "getHealth",
  ready: "getReadiness",
  metrics: "getMetrics",
  deployment: "getDeployment",
  directory: "getDirectory",
  citizenRecovery: "getCitizenRecovery",
  citizenCredentials: "getCitizenCredentials",
  citizenGuardianship: "getCitizenGuardianship",
  signerNonces: "getSignerNonces",
  loginChallenge: "getLoginChallenge",
  staffLogin: "loginStaff",
  citizenLogin: "loginCitizen",
  accessData: "readCitizenData",
  accessPredicate: "askPredicate",
  creditPredicate: "askCreditPredicate",
  creditPublic: "getPublicCreditEntries",
  appointStaff: "relayAppointStaff",
  publishCommunityFact: "publishCommunityFact",
  communityNonce: "getCommunityNonce",
  shareCommunityFacts: "relayShareCommunityFacts",
  revokeCommunityShare: "relayRevokeCommunityShare",
  viewCommunityShare: "viewCommunityShare",
  citizenCommunity: "getCitizenCommunity",
  applyRepair: "relayApplyForCreditRepair",
  putEnterpriseRecord: "storeEnterpriseRecord",
  enterpriseTracker: "getEnterpriseTracker",
  citizenEnterprises: "getCitizenEnterprises",
  enterpriseStaff: "getEnterpriseStaffList",
  removeStaff: "relayRemoveStaff",
  enterpriseConsents: "getEnterpriseConsents",
  enterpriseCredit: "getEnterpriseCredit",
  identityChallenge: "getIdentityChallenge",
  identityVerify: "checkIdentityProof",
  oneCodeStaple: "getOneCodeStaple",
  oneCodeVerify: "checkOneCode",
  oneCodeUpload: "uploadOneCodeVerifications",
  credentialVerify: "checkCredential",
  grantConsent: "relayGrantConsent",
  revokeConsent: "relayRevokeConsent",
  pauseConsent: "relayPauseConsent",
  resumeConsent: "relayResumeConsent",
  confirmConsent: "relayConfirmConsent",
  addGuardian: "relayAddGuardian",
  removeGuardian: "relayRemoveGuardian",
  rotateKey: "relayRotateKey",
  cancelRecovery: "relayCancelRecovery",
  citizenConsents: "getCitizenConsents",
  citizenAccesses: "getCitizenAccesses",
  citizenAccessStream: "streamCitizenAccesses",
  agencyConsents: "getAgencyConsents",
  auditAccesses: "getAuditAccesses",
  receipt: "getReceipt",
  registrarBudget: "getRegistrarBudget",
  registerCitizen: "registerCitizen",
  registerCitizens: "registerCitizens",
  eraseRecord: "eraseCitizenRecord",
  citizenServices: "getCitizenServices",
  declineService: "declineService",
  acceptService: "acceptService",
  transactionParams: "getTransactionParams",
  staffTransaction: "relayStaffTransaction",
  chainCall: "callDeploymentContract",
  auditStatutory: "getStatutoryGrants",
  registerWebhook: "registerWebhook",
  agencyWebhooks: "getAgencyWebhooks",
  removeWebhook: "removeWebhook",
  acknowledgeDelivery: "acknowledgeDelivery",
  agencyDataRequests: "getAgencyDataRequests",
  answerDataRequest: "answerDataRequest",
  citizenDataRequests: "getCitizenDataRequests",
  sendDataRequest: "sendDataRequest",
  receiveApplication: "receiveApplication",
  recordApprovalStep: "recordApprovalStep",
  citizenApprovals: "getCitizenApprovals",
  auditApprovals: "getAuditApprovals",
};

/**
 * A client for one gateway. Browser-safe: it uses the global fetch (or the one given) and nothing
 * from Node. Errors are GatewayError subclasses whose `code` is the gateway's code; a 503
 * INDEX_BEHIND is retried briefly (sdk/gateway/retryPolicy).
 *
 * @example
 * const gateway = createGatewayClient({ url: "https://gateway.district.example" });
 * await gateway.loginCitizen({ signer: account, citizen });
 * const { records, nextAfterSeq } = await gateway.getCitizenAccesses({ limit: 50 });
 */
export function createGatewayClient(config: GatewayClientConfig): GatewayClient {
  if (typeof config.url !== "string" || !/^https?:\/\/[^\s/]+/.test(config.url))
    throw new InvalidInputError("INVALID_URL", "url", "url must be the gateway's http(s) base URL.");
  const fetchFn = config.fetch ?? globalThis.fetch;
  if (typeof fetchFn !== "function") throw new InvalidInputError("FETCH_REQUIRED", "fetch", "No global fetch here: pass `fetch`.");
  const base: GatewayBaseClient = { url: config.url.replace(/\/+$/, ""), fetch: fetchFn.bind(globalThis), token: config.token };
  return Object.assign(base, gatewayActions(base));
}
