// What the relay routes take, built from the SDK's own signing types. JSON has no BigInt and the
// gateway coerces nothing: every uint travels as a decimal string, and maxUses (a uint32) as a
// number. This is where the two pitfalls of hand-made relay bodies (a BigInt in JSON.stringify;
// validFrom sent as a number) are handled once.
import type { Authorization } from "../../internal/signing.js";
import { toHex, toNonZeroAddress, toUint } from "../../internal/validate.js";
import { normalizeGrantRequest, type GrantRequest } from "../../typedData/consentTypedData.js";
import type { AuthorizationJson, GrantRequestJson } from "../schemas/consents.js";
import type { Numberish } from "../../types.js";

/** An authorization as `signGrantConsent` and friends return it, or already in JSON form. */
export type RelayAuthorization = Omit<Authorization, "deadline"> & { deadline: Numberish };

export function authorizationJson(a: RelayAuthorization): AuthorizationJson {
  return {
    signer: toNonZeroAddress("authorization.signer", a.signer),
    deadline: toUint("authorization.deadline", a.deadline, 64).toString(),
    signature: toHex("authorization.signature", a.signature),
  };
}

export function grantRequestJson(r: GrantRequest): GrantRequestJson {
  const n = normalizeGrantRequest(r);
  return {
    citizen: n.citizen,
    agency: n.agency,
    scopes: n.scopes.toString(),
    purpose: n.purpose,
    validFrom: n.validFrom.toString(),
    validUntil: n.validUntil.toString(),
    maxUses: Number(n.maxUses),
  };
}
