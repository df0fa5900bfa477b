import { agencyRequestHeaders, signAgencyRequest } from "@imi-ledger/sdk";
import type { LocalAccount } from "@imi-ledger/sdk";
import type { Address, Hex } from "@imi-ledger/sdk";
import type { EncryptedPayload } from "@imi-ledger/sdk";
import { verifyPredicateAnswer } from "@imi-ledger/sdk";
import { agencyRequestTypedData } from "@imi-ledger/sdk";
import type { PredicateAnswer, SignedAgencyRequest } from "@imi-ledger/sdk";
import { hashTypedData } from "@imi-ledger/sdk";
import { CliError } from "../../CliError.js";
import { connect, loadKey, type KeyOptions, type Node, type NodeOptions } from "../../internal/connect.js";
import { usage } from "../../internal/errors.js";
import { gatewayAccount, gatewayJson } from "../../internal/gateway.js";
import { bytes32, integer, purpose as parsePurpose, scopes as parseScopes, scopeNames, CATEGORIES } from "../../internal/parse.js";

export type Receipt = { seq: number; recordHash: Hex; gateway: Address; time: number };

type Terms = { citizen: Hex; scopes: bigint; purpose: Hex; grantId?: Hex };

/** One agency call signed per request (EIP-712 AgencyRequest over method, path and body bytes). */
async function signedCall<T>(
  options: NodeOptions & KeyOptions,
  path: string,
  terms: Terms,
  body: Record<string, unknown>,
  encrypt = false,
): Promise<{ agency: LocalAccount; answer: T; signed: SignedAgencyRequest; node: Node }> {
  const node = await connect(options);
  const gateway = node.requireGateway();
  const agency = await loadKey(options);
  const text = JSON.stringify(encrypt ? { ...body, encryptTo: agency.publicKey } : body);
  const signed = signAgencyRequest(agency, { chainId: node.deployment.chainId, gateway: await gatewayAccount(gateway), ...terms, method: "POST", path, body: text });
  const answer = await gatewayJson<T>(gateway, path, { body: text, headers: agencyRequestHeaders(signed) });
  return { agency, answer, signed, node };
}

export type RequestDataOptions = NodeOptions & KeyOptions & { citizen: string; scopes: string; purpose: string; grant?: string; encrypt?: boolean };
export type RequestDataResult = {
  citizen: Hex;
  agency: Address;
  grantId: Hex;
  basis: string;
  categories: string[];
  data: Record<string, Record<string, unknown>>;
  /** The gateway sent the data encrypted to the agency's key (--encrypt); `data` is the decrypted copy. */
  encrypted: boolean;
  responseHash: Hex;
  receipt: Receipt;
};

/** Reads categories of a citizen's record under their consent (or a statutory grant); every call is logged. */
export async function requestData(options: RequestDataOptions): Promise<RequestDataResult> {
  const citizen = bytes32("--citizen", options.citizen);
  const scopes = parseScopes(options.scopes);
  const purpose = parsePurpose(options.purpose).code;
  const grantId = options.grant === undefined ? undefined : bytes32("--grant", options.grant);
  const body = { citizen, scopes: scopes.toString(), purpose, ...(grantId ? { grantId } : {}) };
  type Answer = Omit<RequestDataResult, "agency" | "categories" | "encrypted" | "data"> & { data?: RequestDataResult["data"]; encrypted?: EncryptedPayload };
  const { agency, answer } = await signedCall<Answer>(options, "/v1/access/data", { citizen, scopes, purpose, grantId }, body, options.encrypt === true);
  let data = answer.data ?? {};
  if (answer.encrypted) {
    // Only the agency's key opens it: the answer crossed the network as ciphertext.
    const { decryptWithKey } = await import("@imi-ledger/sdk");
    data = JSON.parse(new TextDecoder().decode(decryptWithKey(agency.exportPrivateKey(), answer.encrypted))) as RequestDataResult["data"];
  }
  const { encrypted: _payload, ...rest } = answer;
  void _payload;
  return { ...rest, data, encrypted: answer.encrypted !== undefined, agency: agency.address, categories: scopeNames(scopes) };
}

export type AskOptions = NodeOptions & KeyOptions & { citizen: string; purpose: string; grant?: string; ageAtLeast?: string; residentOf?: string; hasCredential?: string };
/** `signer` is the verified signer: an account holding the gateway role on chain (the gateway's own claim is not trusted). */
export type AskResult = { citizen: Hex; agency: Address; question: string; result: boolean; predicate: Record<string, unknown>; signature: Hex; signer: Address; answer: PredicateAnswer; receipt: Receipt; verified: true };

/** A yes/no about a citizen (age, residence, a valid credential) signed by the gateway; no data leaves the vault. */
export async function askPredicate(options: AskOptions): Promise<AskResult> {
  const citizen = bytes32("--citizen", options.citizen);
  const purpose = parsePurpose(options.purpose).code;
  const grantId = options.grant === undefined ? undefined : bytes32("--grant", options.grant);
  const given = [options.ageAtLeast, options.residentOf, options.hasCredential].filter((x) => x !== undefined).length;
  if (given !== 1) throw usage("INVALID_PREDICATE", "ask exactly one question: --age-at-least <years>, --resident-of <district> or --has-credential <schema-id>");
  let predicate: Record<string, unknown>;
  let category: string;
  let question: string;
  if (options.ageAtLeast !== undefined) {
    const years = integer("--age-at-least", options.ageAtLeast, 0, 150);
    predicate = { type: "ageAtLeast", years };
    category = "birth";
    question = `is at least ${years} years old`;
  } else if (options.residentOf !== undefined) {
    if (options.residentOf.trim() === "" || options.residentOf.length > 100) throw usage("INVALID_PREDICATE", "--resident-of: name the district");
    predicate = { type: "residentOf", district: options.residentOf };
    category = "address";
    question = `lives in ${options.residentOf}`;
  } else {
    predicate = { type: "hasValidCredential", schemaId: bytes32("--has-credential", options.hasCredential) };
    category = "credentials";
    question = `holds a valid credential of schema ${options.hasCredential}`;
  }
  const scopes = 1n << BigInt(CATEGORIES.indexOf(category));
  const body = { citizen, scopes: scopes.toString(), purpose, ...(grantId ? { grantId } : {}), predicate };
  const { agency, answer, signed, node } = await signedCall<Omit<AskResult, "agency" | "question" | "predicate" | "citizen" | "verified">>(options, "/v1/access/predicate", { citizen, scopes, purpose, grantId }, body);
  // Nothing the gateway (or anything between) claims is printed as "signed by the gateway" until it
  // verifies: a gateway-role key on chain signed this very question, for this request, just now.
  const verified = await verifyPredicateAnswer(node.client(), {
    answer: answer.answer,
    signature: answer.signature,
    question: { agency: agency.address, citizen, predicate: predicate as never },
    request: { requestHash: hashTypedData(agencyRequestTypedData(node.deployment.chainId, signed.message)), nonce: signed.message.nonce },
  });
  // The receipt is the record the signed answer names, kept by the gateway that signed it.
  if (answer.receipt.seq !== verified.seq || answer.receipt.recordHash.toLowerCase() !== verified.recordHash.toLowerCase() || answer.receipt.gateway.toLowerCase() !== verified.signer.toLowerCase())
    throw new CliError("RECEIPT_MISMATCH", "the receipt does not match the signed answer's access record or signer");
  return { citizen, agency: agency.address, question, predicate, ...answer, result: verified.result, signer: verified.signer, verified: true };
}
