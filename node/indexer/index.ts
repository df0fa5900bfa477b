export { Indexer, openIndexer, type AccessDecision, type GrantBasis, type IdentityCheck, type IndexerConfig, type IndexerStatus } from "./Indexer.js";
export { ConsentStatus, CredentialStatus, DECISION_CODES, Decision, IssuerStatus, decide, effectiveCredentialStatus } from "./decisions.js";
export type { WatchedContracts } from "./internal/applyLogs.js";
export type { BatchView, ConsentView, CredentialView, GuardianView, IdentityView, StatutoryView } from "./internal/ViewState.js";
