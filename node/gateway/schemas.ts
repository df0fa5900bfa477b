// The gateway's JSON Schema pieces are the SDK's (sdk/gateway/schemas): routes register the SDK's
// route schemas (gatewayRoutes), so the server, the OpenAPI document and the SDK's client share
// one definition. Kept here: the pieces by their old names, and the record-to-JSON step.
import { gatewaySchemas } from "@imi-ledger/sdk";
import type { AccessRecord } from "./internal/accessLog.js";

export const { bytes32, address, hexBytes, signature, uintString, unixSeconds, errorBody, receipt, denial, errors, accessHeaders, security, accessRecord } = gatewaySchemas;

/** An access record as JSON (scopes as a decimal string: JSON numbers lose precision). */
export const recordJson = (r: AccessRecord) => ({ ...r, scopes: r.scopes.toString() });
