// The public entry of `@imi-ledger/sdk` (browser-safe: no Node-only imports anywhere below).
// Node programs get the same plus file loading from `@imi-ledger/sdk/node` (the "node" condition of
// `@imi-ledger/sdk` resolves there automatically).

// Clients
export { createImiClient, type ImiClient } from "./clients/createImiClient.js";
export { createBaseClient, type ImiBaseClient, type ImiClientConfig } from "./clients/ImiBaseClient.js";
export { jsonRpcAccount, type ImiAccount, type JsonRpcAccount } from "./clients/accounts.js";
export { parseDeployment, type DeploymentInput, type ImiDeployment, type ImiContractName } from "./clients/deployment.js";
export { eip1193Transport, httpTransport, type HttpTransportOptions, type Transport } from "./clients/transport.js";

// Keys
export { generatePrivateKey, privateKeyToAccount, type LocalAccount } from "./keys/privateKeyToAccount.js";
export { decryptKeystore, encryptKeystore, type EncryptKeystoreOptions } from "./keys/keystore.js";
export { decryptWithKey, encryptToKey, ENCRYPTED_PAYLOAD_ALG, type EncryptedPayload } from "./keys/encryptToKey.js";
// Passkeys (WebAuthn, P-256) as citizens' keys, through an ERC-1271 PasskeyAccount
export * from "./keys/passkey.js";
export * from "./actions/passkey/createPasskeyAccount.js";

// EIP-712
export {
  hashDomain,
  hashStruct,
  hashTypedData,
  toEip712Json,
  type TypedDataDefinition,
  type TypedDataDomain,
  type TypedDataField,
} from "./typedData/hashTypedData.js";
export { recoverTypedDataSigner, verifyTypedData, type VerifyTypedDataParameters } from "./typedData/verifyTypedData.js";
export {
  chainDomain,
  CONSENT_REGISTRY_DOMAIN_NAME,
  CREDENTIAL_DOMAIN_NAME,
  CREDIT_REGISTRY_DOMAIN_NAME,
  ENTERPRISE_REGISTRY_DOMAIN_NAME,
  DOMAIN_VERSION,
  GATEWAY_DOMAIN_NAME,
  IDENTITY_REGISTRY_DOMAIN_NAME,
  type ContractDomainParameters,
} from "./typedData/domains.js";
export * from "./typedData/identityTypedData.js";
export * from "./typedData/consentTypedData.js";
export * from "./typedData/enterpriseTypedData.js";
export * from "./enterprise/unifiedSocialCreditCode.js";
export * from "./actions/enterprise/registerEnterprise.js";
export * from "./actions/enterprise/updateEnterpriseRecord.js";
export * from "./actions/enterprise/getEnterprise.js";
export * from "./actions/enterprise/appointStaff.js";
export * from "./actions/enterprise/removeStaff.js";
export * from "./actions/enterprise/getEnterpriseStaff.js";
export * from "./actions/enterprise/getRepresentedEnterprises.js";
export * from "./credit/repairEvidenceHash.js";
export * from "./actions/enterprise/enterpriseAuthorizes.js";
export * from "./actions/enterprise/changeLegalRepresentative.js";
export * from "./actions/enterprise/deregisterEnterprise.js";
export * from "./actions/credit/defineCreditList.js";
export * from "./actions/credit/recordCreditEntry.js";
export * from "./actions/credit/endCreditEntry.js";
export * from "./actions/credit/applyForCreditRepair.js";
export * from "./actions/credit/decideCreditRepair.js";
export * from "./actions/credit/getCreditEntry.js";
export * from "./actions/credit/isCreditListed.js";
export * from "./actions/credit/getCreditRepairs.js";
export * from "./actions/credit/getCreditLists.js";
export * from "./actions/credit/getCreditEntriesOf.js";
export * from "./actions/gateway/askCreditPredicate.js";
export * from "./actions/gateway/getPublicCreditEntries.js";
export * from "./actions/gateway/relayAppointStaff.js";
export * from "./actions/gateway/storeEnterpriseRecord.js";
export * from "./actions/gateway/getEnterpriseTracker.js";
export * from "./actions/gateway/getCitizenEnterprises.js";
export * from "./actions/gateway/getEnterpriseStaffList.js";
export * from "./actions/gateway/getEnterpriseConsents.js";
export * from "./actions/gateway/getEnterpriseCredit.js";
export * from "./actions/gateway/relayRemoveStaff.js";
export * from "./actions/gateway/relayApplyForCreditRepair.js";
export type { CreditPredicateJson, CreditPredicateRequestJson, PublicCreditAnswer, PublicCreditEntry } from "./gateway/schemas/credit.js";
export type { EnterpriseRelayed, RepairRelayed } from "./gateway/schemas/enterpriseRelay.js";
export type { CitizenEnterprises, EnterpriseConsents, EnterpriseCredit, EnterpriseRecordBody, EnterpriseRecordStored, EnterpriseStaffList, EnterpriseTracker } from "./gateway/schemas/enterprises.js";
export type { Authorization, SignedAction } from "./internal/signing.js";
export type { WriteOptions } from "./internal/contractCall.js";

// Gateway authentication and identity proofs
export * from "./gateway/agencyRequest.js";
export * from "./gateway/agencyLogin.js";
export * from "./gateway/identityProof.js";
export * from "./gateway/predicateAnswer.js";
export * from "./gateway/departmentAnswer.js";

// One code per person: the QR a phone shows at a door or counter, with the gateway's staple
export * from "./oneCode/oneCodeTypedData.js";
export * from "./oneCode/oneCodeFormat.js";
export * from "./oneCode/createOneCode.js";
export * from "./oneCode/verifyOneCode.js";
export * from "./oneCode/OneCodeError.js";
export * from "./actions/common/isValidSignatureNow.js";
export * from "./actions/gateway/getOneCodeStaple.js";
export * from "./actions/gateway/checkOneCode.js";
export * from "./actions/gateway/uploadOneCodeVerifications.js";
export { ONE_CODE_MAX_UPLOAD, type OneCodeStapleJson, type OneCodeVerdictJson } from "./gateway/schemas/oneCode.js";

// Roles in the AccessManager, data categories
export * from "./roles/imiRoles.js";
export * from "./categories/dataCategories.js";
export * from "./consent/consentRequestLink.js";

// Credentials off chain, access receipts
export * from "./credentials/credentialDocument.js";
export {
  ACCESS_BASES,
  ACCESS_KINDS,
  ACCESS_RECORD_LEAF_TYPES,
  accessRecordLeaf,
  accessRecordValues,
  buildAccessLogBatch,
  hashAccessRecord,
  verifyAccessLogInclusion,
  type AccessBasis,
  type AccessDecision,
  type AccessKind,
  type AccessLogBatch,
  type AccessLogProof,
  type AccessRecord,
} from "./receipts/accessRecord.js";
export type { BatchMembership } from "./internal/credentialStatusChange.js";

// Actions (each also available on the client)
export * from "./actions/identity/registerIdentity.js";
export * from "./actions/identity/updateRecord.js";
export * from "./actions/identity/rotateKey.js";
export * from "./actions/identity/initiateRecovery.js";
export * from "./actions/identity/cancelRecovery.js";
export * from "./actions/identity/completeRecovery.js";
export * from "./actions/identity/setRecoveryDelay.js";
export * from "./actions/identity/addGuardian.js";
export * from "./actions/identity/removeGuardian.js";
export * from "./actions/identity/deactivateIdentity.js";
export * from "./actions/identity/attest.js";
export * from "./actions/identity/revokeAttestation.js";
export * from "./actions/identity/getIdentity.js";
export * from "./actions/identity/identityOf.js";
export * from "./actions/identity/getGuardian.js";
export * from "./actions/identity/getRecovery.js";
export * from "./actions/identity/authorizes.js";
export * from "./actions/identity/getAttestation.js";
export * from "./actions/identity/proveIdentity.js";
export * from "./actions/identity/verifyIdentityProof.js";
export * from "./actions/credentials/registerSchema.js";
export * from "./actions/credentials/deprecateSchema.js";
export * from "./actions/credentials/setIssuerTrust.js";
export * from "./actions/credentials/getSchema.js";
export * from "./actions/credentials/anchorCredential.js";
export * from "./actions/credentials/anchorCredentialBatch.js";
export * from "./actions/credentials/anchorCredentials.js";
export * from "./actions/credentials/revokeCredential.js";
export * from "./actions/credentials/suspendCredential.js";
export * from "./actions/credentials/reinstateCredential.js";
export * from "./actions/credentials/setCredentialBatchStatus.js";
export * from "./actions/credentials/getCredentialStatus.js";
export * from "./actions/credentials/getCredential.js";
export * from "./actions/credentials/getCredentialBatch.js";
export * from "./actions/credentials/verifyCredential.js";
export * from "./actions/consent/grantConsent.js";
export * from "./actions/consent/revokeConsent.js";
export * from "./actions/consent/pauseConsent.js";
export * from "./actions/consent/resumeConsent.js";
export * from "./actions/consent/confirmConsent.js";
export * from "./actions/consent/consumeConsent.js";
export * from "./actions/consent/getConsent.js";
export * from "./actions/consent/listConsents.js";
export * from "./actions/consent/checkAccess.js";
export * from "./actions/consent/grantStatutoryAccess.js";
export * from "./actions/agency/registerAgency.js";
export * from "./actions/agency/declareAgencyPurposes.js";
export * from "./actions/agency/getAgencyExcessScopes.js";
export * from "./actions/consent/revokeStatutoryAccess.js";
export * from "./actions/consent/reviewStatutoryAccess.js";
export * from "./actions/accessLog/anchorLogBatch.js";
export * from "./actions/accessLog/getLogHead.js";
export * from "./actions/accessLog/getLogBatches.js";
export * from "./actions/accessLog/verifyAccessLog.js";
export * from "./actions/accessLog/verifyAccessLogProof.js";
export * from "./actions/accountRules/setAccountAllowed.js";
export * from "./actions/accessManager/grantRole.js";
export * from "./actions/accessManager/revokeRole.js";
export * from "./actions/accessManager/labelRole.js";
export * from "./actions/accessManager/hasRole.js";
export * from "./actions/accountRules/isAccountAllowed.js";
export * from "./actions/common/getNonce.js";
export * from "./actions/common/bumpNonce.js";
export * from "./actions/common/signTypedData.js";
export * from "./actions/gateway/gatewayRequest.js";
export * from "./actions/gateway/verifyPredicateAnswer.js";
export * from "./actions/gateway/verifySourcedPredicateAnswer.js";
// One-door supervision: approval steps of service applications, on the record
export * from "./actions/gateway/receiveApplication.js";
export * from "./actions/gateway/recordApprovalStep.js";
export * from "./actions/gateway/getCitizenApprovals.js";
export * from "./actions/gateway/getAuditApprovals.js";
export { APPROVAL_STEP_KINDS, type ApprovalStepKindJson, type ApprovalStepJson, type ApplicationJson, type CitizenApprovals, type AuditApprovals } from "./gateway/schemas/approvals.js";

// Gateway client: one action per route, request and response types from the gateway's own schemas
export { createGatewayClient, gatewayActions, type GatewayClient, type GatewayBaseClient, type GatewayClientConfig, type GatewaySigner } from "./gateway/client/createGatewayClient.js";
export * from "./gateway/retryPolicy.js";
export * as gatewaySchemas from "./gateway/schemas/common.js";
export type { AccessReceipt, AccessRecordJson, Denial, ErrorBody, RouteSchema } from "./gateway/schemas/common.js";
export type { GatewaySession, LoginChallenge } from "./gateway/schemas/auth.js";
export type { AuthorizationJson, GrantRequestJson, Relayed } from "./gateway/schemas/consents.js";
export type { AccessPage, ConsentJson, StatutoryJson } from "./gateway/schemas/records.js";
export type { ReceiptPending, ReceiptProof } from "./gateway/schemas/trace.js";
export type { GatewayDeployment, Readiness } from "./gateway/schemas/operations.js";
export * from "./actions/gateway/getGatewayDeployment.js";
export * from "./actions/gateway/getLoginChallenge.js";
export * from "./actions/gateway/loginCitizen.js";
export * from "./actions/gateway/loginStaff.js";
export * from "./actions/gateway/getCitizenAccesses.js";
export * from "./actions/gateway/streamCitizenAccesses.js";
export * from "./actions/gateway/getCitizenConsents.js";
export * from "./actions/gateway/relayGrantConsent.js";
export * from "./actions/gateway/relayRevokeConsent.js";
export * from "./actions/gateway/relayPauseConsent.js";
export * from "./actions/gateway/relayResumeConsent.js";
export * from "./actions/gateway/relayConfirmConsent.js";
export type { RelayAuthorization } from "./gateway/client/relayJson.js";
export { gatewayRoutes, type GatewayRouteName } from "./gateway/schemas/gatewayRoutes.js";
export { gatewayClientMethods } from "./gateway/client/createGatewayClient.js";
export type { DataAnswer, PredicateJson, PredicateResult } from "./gateway/schemas/access.js";
export type { IdentityChallenge, IdentityVerdict } from "./gateway/schemas/identity.js";
export type { CredentialVerdict } from "./gateway/schemas/credentials.js";
export type { IdentityRelayed } from "./gateway/schemas/identityRelay.js";
export type { RegisterCitizenBody, Registered, RegisterCitizensBody, RegisteredBatch } from "./gateway/schemas/registrar.js";
export { REGISTER_BATCH_MAX } from "./gateway/schemas/registrar.js";
export type { AccessTerms, AgencyAccessAuth } from "./gateway/client/agencyAccess.js";
export * from "./actions/gateway/relayAddGuardian.js";
export * from "./actions/gateway/relayRemoveGuardian.js";
export * from "./actions/gateway/relayRotateKey.js";
export * from "./actions/gateway/relayCancelRecovery.js";
export * from "./actions/gateway/readCitizenData.js";
export * from "./actions/gateway/askPredicate.js";
export * from "./actions/gateway/getIdentityChallenge.js";
export * from "./actions/gateway/checkIdentityProof.js";
export * from "./actions/gateway/checkCredential.js";
export * from "./actions/gateway/getAgencyConsents.js";
export * from "./actions/gateway/getAuditAccesses.js";
export * from "./actions/gateway/getReceipt.js";
export * from "./actions/gateway/verifyReceipt.js";
export * from "./actions/gateway/getRegistrarBudget.js";
export * from "./actions/gateway/registerCitizen.js";
export * from "./actions/gateway/registerCitizens.js";
export * from "./actions/gateway/eraseCitizenRecord.js";
export * from "./actions/gateway/getGatewayHealth.js";
export * from "./actions/gateway/getGatewayReadiness.js";
export * from "./actions/gateway/getGatewayMetrics.js";
export * from "./actions/gateway/getDirectory.js";
export * from "./actions/gateway/getCitizenRecovery.js";
export type { CitizenRecovery } from "./gateway/schemas/citizenRecovery.js";
export * from "./actions/gateway/getCitizenServices.js";
export * from "./actions/gateway/declineService.js";
export * from "./actions/gateway/acceptService.js";
export { SERVICE_STATES, type ServiceState, type CitizenService, type CitizenServices } from "./gateway/schemas/services.js";
// Webhooks: signed deliveries to agencies, and the citizen's deletion and correction requests
export * from "./webhooks/webhookDelivery.js";
export * from "./webhooks/signDelivery.js";
export * from "./webhooks/verifyDelivery.js";
export * from "./actions/gateway/registerWebhook.js";
export * from "./actions/gateway/getAgencyWebhooks.js";
export * from "./actions/gateway/removeWebhook.js";
export * from "./actions/gateway/acknowledgeDelivery.js";
export * from "./actions/gateway/getAgencyDataRequests.js";
export * from "./actions/gateway/answerDataRequest.js";
export * from "./actions/gateway/getCitizenDataRequests.js";
export * from "./actions/gateway/sendDataRequest.js";
export {
  WEBHOOK_DELIVERY_STATES,
  DATA_REQUEST_KINDS,
  DATA_REQUEST_OUTCOMES,
  DATA_REQUEST_STATES,
  type WebhookDeliveryState,
  type DataRequestKind,
  type WebhookSubscription,
  type WebhookDeliveryJson,
  type DataRequestJson,
  type AgencyWebhooks,
  type AgencyDataRequests,
  type CitizenDataRequests,
} from "./gateway/schemas/webhooks.js";
export * from "./actions/gateway/getCitizenCredentials.js";
export type { CitizenCredential } from "./gateway/schemas/credentials.js";
export * from "./actions/gateway/getCitizenGuardianship.js";
export type { CitizenGuardianship } from "./gateway/schemas/guardianship.js";
export * from "./actions/gateway/getSignerNonces.js";
export type { GatewayDirectory, SignerNonces } from "./gateway/schemas/directory.js";
export type { TransactionParams, StaffTransactionResult, StatutoryReviewJson } from "./gateway/schemas/staffDesk.js";
export { STAFF_RELAYED_CALLS } from "./gateway/schemas/staffDesk.js";
export { gatewayChainProvider } from "./actions/gateway/callDeploymentContract.js";
export { DESK_GAS_LIMIT, registrationCall, initiateRecoveryCall, reviewStatutoryCall, signDeskTransaction, type CitizenRecordInput } from "./gateway/staffTransactions.js";

// Errors
export { ImiError, type ImiErrorOptions } from "./errors/ImiError.js";
export * from "./errors/errors.js";
export * from "./errors/PredicateAnswerError.js";
export * from "./errors/gatewayErrors.js";
export { ContractRevertError, type ContractRevertErrorOptions } from "./errors/ContractRevertError.js";
export * from "./errors/contractErrors.js";
export { decodeRevert, toImiError } from "./errors/decodeError.js";

// ABIs
export { identityRegistryAbi } from "./abi/identityRegistryAbi.js";
export { credentialRegistryAbi } from "./abi/credentialRegistryAbi.js";
export { consentRegistryAbi } from "./abi/consentRegistryAbi.js";
export { accessLogAbi } from "./abi/accessLogAbi.js";
export { accountRulesAbi } from "./abi/accountRulesAbi.js";
export { imiAccessManagerAbi } from "./abi/imiAccessManagerAbi.js";
export { agencyRegistryAbi } from "./abi/agencyRegistryAbi.js";

export { communityRegistryAbi } from "./abi/communityRegistryAbi.js";

// Community trust: endorsed yes/no facts about residents, shared with neighbours under consent
export * from "./community/communityFacts.js";
export * from "./typedData/communityTypedData.js";
export * from "./actions/community/attestCommunityFact.js";
export * from "./actions/community/getCommunityFact.js";
export * from "./actions/community/shareCommunityFacts.js";
export * from "./actions/community/revokeCommunityShare.js";
export * from "./actions/community/checkCommunityView.js";
export * from "./actions/community/listCommunityShares.js";
export * from "./actions/gateway/publishCommunityFact.js";
export * from "./actions/gateway/getCitizenCommunity.js";
export * from "./actions/gateway/relayShareCommunityFacts.js";
export * from "./actions/gateway/relayRevokeCommunityShare.js";
export * from "./actions/gateway/viewCommunityShare.js";
export * from "./actions/gateway/getCommunityNonce.js";
export type { CitizenCommunity, CommunityView, CommunityRelayed, PublishedCommunityFact, ShareRequestJson } from "./gateway/schemas/community.js";

// Helpers and types
export { canonicalJson, categoriesOf, code, purposeCode, randomBytes32, recordCommitment, scopesOf } from "./utils.js";
export type { Address, Eip1193Provider, Hex, Numberish } from "./types.js";
