// Every route of the gateway: method, path and the schema it is registered with. The gateway
// registers exactly these schema objects, the client calls exactly these paths, and a test walks
// the running gateway's routes and holds them equal to this table.
import * as access from "./access.js";
import * as approvals from "./approvals.js";
import * as auth from "./auth.js";
import * as consents from "./consents.js";
import * as credentials from "./credentials.js";
import * as credit from "./credit.js";
import * as community from "./community.js";
import * as enterpriseRelay from "./enterpriseRelay.js";
import * as enterprises from "./enterprises.js";
import * as citizenRecovery from "./citizenRecovery.js";
import * as directory from "./directory.js";
import * as guardianship from "./guardianship.js";
import * as identity from "./identity.js";
import * as identityRelay from "./identityRelay.js";
import * as operations from "./operations.js";
import * as oneCode from "./oneCode.js";
import * as records from "./records.js";
import * as registrar from "./registrar.js";
import * as trace from "./trace.js";
import * as services from "./services.js";
import * as staffDesk from "./staffDesk.js";
import * as webhooks from "./webhooks.js";
import type { RouteSchema } from "./common.js";

type Route = { readonly method: "GET" | "POST" | "DELETE"; readonly url: string; readonly schema: RouteSchema };
const route = <M extends Route["method"], U extends string, S extends RouteSchema>(method: M, url: U, schema: S) => ({ method, url, schema }) as const;

export const gatewayRoutes = {
  health: route("GET", "/healthz", operations.healthSchema),
  ready: route("GET", "/readyz", operations.readySchema),
  metrics: route("GET", "/metrics", operations.metricsSchema),
  deployment: route("GET", "/v1/deployment", operations.deploymentSchema),
  directory: route("GET", "/v1/directory", directory.directorySchema),
  signerNonces: route("GET", "/v1/signers/:signer/nonces", directory.signerNoncesSchema),

  loginChallenge: route("POST", "/v1/auth/challenge", auth.loginChallengeSchema),
  staffLogin: route("POST", "/v1/auth/login", auth.staffLoginSchema),
  citizenLogin: route("POST", "/v1/auth/citizen-login", auth.citizenLoginSchema),

  accessData: route("POST", "/v1/access/data", access.accessDataSchema),
  accessPredicate: route("POST", "/v1/access/predicate", access.accessPredicateSchema),
  identityChallenge: route("POST", "/v1/identity/challenge", identity.identityChallengeSchema),
  identityVerify: route("POST", "/v1/identity/verify", identity.identityVerifySchema),
  credentialVerify: route("POST", "/v1/credentials/verify", credentials.credentialVerifySchema),
  creditPredicate: route("POST", "/v1/credit/predicate", credit.creditPredicateRouteSchema),
  creditPublic: route("GET", "/v1/credit/public", credit.publicCreditRouteSchema),
  appointStaff: route("POST", "/v1/enterprises/:enterprise/staff", enterpriseRelay.appointStaffRelaySchema),
  applyRepair: route("POST", "/v1/credit/repairs", enterpriseRelay.applyRepairRelaySchema),
  putEnterpriseRecord: route("POST", "/v1/enterprises/:enterprise/record", enterprises.putEnterpriseRecordSchema),
  enterpriseTracker: route("GET", "/v1/enterprises/:enterprise/tracker", enterprises.enterpriseTrackerRouteSchema),
  citizenEnterprises: route("GET", "/v1/citizen/enterprises", enterprises.citizenEnterprisesSchema),
  enterpriseStaff: route("GET", "/v1/enterprises/:enterprise/staff", enterprises.enterpriseStaffRouteSchema),
  removeStaff: route("POST", "/v1/enterprises/:enterprise/staff/:staff/remove", enterpriseRelay.removeStaffRelaySchema),
  enterpriseConsents: route("GET", "/v1/enterprises/:enterprise/consents", enterprises.enterpriseConsentsRouteSchema),
  enterpriseCredit: route("GET", "/v1/enterprises/:enterprise/credit", enterprises.enterpriseCreditRouteSchema),
  oneCodeStaple: route("POST", "/v1/one-code/staple", oneCode.oneCodeStapleSchema),
  oneCodeVerify: route("POST", "/v1/one-code/verify", oneCode.oneCodeVerifySchema),
  oneCodeUpload: route("POST", "/v1/one-code/offline", oneCode.oneCodeUploadSchema),

  grantConsent: route("POST", "/v1/consents", consents.grantConsentSchema),
  revokeConsent: route("POST", "/v1/consents/:consentId/revoke", consents.revokeConsentSchema),
  pauseConsent: route("POST", "/v1/consents/:consentId/pause", consents.pauseConsentSchema),
  resumeConsent: route("POST", "/v1/consents/:consentId/resume", consents.resumeConsentSchema),
  confirmConsent: route("POST", "/v1/consents/:consentId/confirm", consents.confirmConsentSchema),
  addGuardian: route("POST", "/v1/identities/:citizen/guardians", identityRelay.addGuardianRelaySchema),
  removeGuardian: route("POST", "/v1/identities/:citizen/guardians/:guardian/remove", identityRelay.removeGuardianRelaySchema),
  rotateKey: route("POST", "/v1/identities/:citizen/rotate", identityRelay.rotateKeyRelaySchema),
  cancelRecovery: route("POST", "/v1/identities/:citizen/recovery/cancel", identityRelay.cancelRecoveryRelaySchema),

  citizenConsents: route("GET", "/v1/citizen/consents", records.citizenConsentsSchema),
  citizenAccesses: route("GET", "/v1/citizen/accesses", records.citizenAccessesSchema),
  citizenAccessStream: route("GET", "/v1/citizen/accesses/stream", trace.accessStreamSchema),
  citizenRecovery: route("GET", "/v1/citizen/recovery", citizenRecovery.citizenRecoverySchema),
  citizenCredentials: route("GET", "/v1/citizen/credentials", credentials.citizenCredentialsSchema),
  citizenGuardianship: route("GET", "/v1/citizen/guardianship", guardianship.citizenGuardianshipSchema),
  agencyConsents: route("GET", "/v1/agency/consents", records.agencyConsentsSchema),
  auditAccesses: route("GET", "/v1/audit/accesses", records.auditAccessesSchema),
  receipt: route("GET", "/v1/receipts/:seq", trace.receiptSchema),

  registrarBudget: route("GET", "/v1/registrar/budget", registrar.registrarBudgetSchema),
  registerCitizen: route("POST", "/v1/registrar/citizens", registrar.registerCitizenSchema),
  registerCitizens: route("POST", "/v1/registrar/citizens/batch", registrar.registerCitizensSchema),
  eraseRecord: route("DELETE", "/v1/registrar/citizens/:citizen/record", registrar.eraseRecordSchema),
  citizenServices: route("GET", "/v1/citizen/services", services.citizenServicesSchema),
  declineService: route("POST", "/v1/citizen/services/:id/decline", services.declineServiceSchema),
  acceptService: route("POST", "/v1/citizen/services/:id/accept", services.acceptServiceSchema),

  transactionParams: route("GET", "/v1/signers/:signer/transaction", staffDesk.transactionParamsSchema),
  staffTransaction: route("POST", "/v1/staff/transactions", staffDesk.staffTransactionSchema),
  chainCall: route("POST", "/v1/chain/call", staffDesk.chainCallSchema),
  auditStatutory: route("GET", "/v1/audit/statutory", staffDesk.auditStatutorySchema),

  registerWebhook: route("POST", "/v1/agency/webhooks", webhooks.registerWebhookSchema),
  agencyWebhooks: route("GET", "/v1/agency/webhooks", webhooks.agencyWebhooksSchema),
  removeWebhook: route("POST", "/v1/agency/webhooks/:id/remove", webhooks.removeWebhookSchema),
  acknowledgeDelivery: route("POST", "/v1/agency/webhooks/deliveries/:id/ack", webhooks.acknowledgeDeliverySchema),
  agencyDataRequests: route("GET", "/v1/agency/data-requests", webhooks.agencyDataRequestsSchema),
  answerDataRequest: route("POST", "/v1/agency/data-requests/:id/answer", webhooks.answerDataRequestSchema),
  citizenDataRequests: route("GET", "/v1/citizen/data-requests", webhooks.citizenDataRequestsSchema),
  sendDataRequest: route("POST", "/v1/citizen/data-requests", webhooks.sendDataRequestSchema),

  receiveApplication: route("POST", "/v1/approvals", approvals.receiveApplicationSchema),
  recordApprovalStep: route("POST", "/v1/approvals/:id/steps", approvals.recordApprovalStepSchema),
  citizenApprovals: route("GET", "/v1/citizen/approvals", approvals.citizenApprovalsSchema),
  publishCommunityFact: route("POST", "/v1/community/facts", community.publishCommunityFactSchema),
  communityNonce: route("GET", "/v1/community/signers/:signer/nonce", community.communityNonceSchema),
  shareCommunityFacts: route("POST", "/v1/community/shares", community.shareCommunityFactsSchema),
  revokeCommunityShare: route("POST", "/v1/community/shares/:shareId/revoke", community.revokeCommunityShareSchema),
  viewCommunityShare: route("GET", "/v1/community/shares/:shareId", community.viewCommunityShareSchema),
  citizenCommunity: route("GET", "/v1/citizen/community", community.citizenCommunitySchema),

  auditApprovals: route("GET", "/v1/audit/approvals", approvals.auditApprovalsSchema),
} as const;

export type GatewayRouteName = keyof typeof gatewayRoutes;
