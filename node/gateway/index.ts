export { buildApp } from "./app.js";
export { startGateway, type GatewayServerConfig, type RunningGateway } from "./server.js";
export { DEFAULT_CATEGORIES, DEFAULT_LIMITS, type GatewayLimits, type GatewayOptions } from "./config.js";
export { GatewayError } from "./errors.js";
export { NonceStore } from "./internal/NonceStore.js";
export { addReadinessPart } from "./internal/readiness.js";
export { decryptWithKey, encryptToKey, type EncryptedPayload } from "@imi-ledger/sdk";
// The answer type lives in the SDK (one definition for the gateway that signs and the agencies that verify).
export { predicateAnswerTypedData, predicateAnswerTypes, recoverPredicateAnswerSigner, type PredicateAnswer } from "@imi-ledger/sdk";
