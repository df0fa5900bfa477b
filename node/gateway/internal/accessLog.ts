// The one place the gateway touches the access log's module, so the log can be swapped or wrapped here.
export { AccessLog, openAccessLog } from "../../accesslog/index.js";
export type { AccessBasis, AccessKind, AccessRecord, AccessRecordInput, AccessReceipt, CompanionHandle } from "../../accesslog/index.js";
