export { AccessLog, openAccessLog } from "./AccessLog.js";
export type { AccessBatch, AccessQuery, AccessReceipt, BatchStatus, Companion, CompanionHandle, CompanionWrite, InclusionProof } from "./AccessLog.js";
export {
  ACCESS_BASES,
  ACCESS_KINDS,
  ACCESS_RECORD_LEAF_TYPES,
  decodeRecord,
  encodeRecord,
  leafValues,
} from "./record.js";
export type { AccessBasis, AccessDecision, AccessKind, AccessRecord, AccessRecordInput } from "./record.js";
export { rootOfLeaves, treeOfLeaves } from "./merkle.js";
export { Anchorer } from "./Anchorer.js";
export type { AnchorerOptions, AnchorerStatus } from "./Anchorer.js";
export { ACCESS_LOG_ABI, createAnchorTarget, createClientAnchorTarget } from "./AnchorTarget.js";
export type { AnchorTarget, ChainBatch, ChainHead } from "./AnchorTarget.js";
export { verifyAccessLog } from "./verifyAccessLog.js";
export type { AuditableLog, AuditBreak, AuditBreakKind, AuditOptions, AuditReport } from "./verifyAccessLog.js";
