// Transactions staff sign at a desk in a browser that has no JSON-RPC of its own: the calls are
// encoded here, the chain id, nonce and gas price come from the gateway
// (GET /v1/signers/{signer}/transaction), and the gateway relays the signed bytes
// (POST /v1/registrar/citizens, POST /v1/staff/transactions), checking what they do before it
// broadcasts. Browser-safe.
import { Interface, Transaction } from "ethers";
import { consentRegistryAbi } from "../abi/consentRegistryAbi.js";
import { identityRegistryAbi } from "../abi/identityRegistryAbi.js";
import { getTransactionParams } from "../actions/gateway/getTransactionParams.js";
import type { LocalAccount } from "../keys/privateKeyToAccount.js";
import { toAddress, toBytes32 } from "../internal/validate.js";
import { InvalidInputError } from "../errors/errors.js";
import { randomBytes32, recordCommitment } from "../utils.js";
import type { Address, Hex } from "../types.js";
import type { GatewayBaseClient } from "./client/GatewayBaseClient.js";

const identityRegistry = new Interface(identityRegistryAbi as never);
const consentRegistry = new Interface(consentRegistryAbi as never);

/**
 * Gas for a desk transaction. There is no estimate without a JSON-RPC, so a fixed ceiling: each of
 * these calls uses well under it, and on the zero-fee permissioned chain a ceiling costs nothing.
 */
export const DESK_GAS_LIMIT = 1_000_000n;

export type CitizenRecordInput = Record<string, Record<string, string | number | boolean>>;

/** IdentityRegistry.register for a new citizen: a fresh salt, the record's commitment, the call data. */
export function registrationCall(p: { citizen?: Hex; controller: Address; level: number; record: CitizenRecordInput }): { citizen: Hex; salt: Hex; commitment: Hex; data: Hex } {
  if (!Number.isInteger(p.level) || p.level < 1 || p.level > 3) throw new InvalidInputError("INVALID_LEVEL", "level", "The assurance level is 1, 2 or 3.");
  const citizen = p.citizen === undefined ? randomBytes32() : toBytes32("citizen", p.citizen);
  const controller = toAddress("controller", p.controller);
  const salt = randomBytes32();
  const commitment = recordCommitment(p.record, salt);
  const data = identityRegistry.encodeFunctionData("register", [citizen, controller, commitment, p.level]) as Hex;
  return { citizen, salt, commitment, data };
}

/** IdentityRegistry.initiateRecovery: the registrar starts re-binding a citizen's identity to a new key. */
export function initiateRecoveryCall(p: { citizen: Hex; newController: Address }): Hex {
  return identityRegistry.encodeFunctionData("initiateRecovery", [toBytes32("citizen", p.citizen), toAddress("newController", p.newController)]) as Hex;
}

/** ConsentRegistry.reviewStatutory: an auditor records the outcome of a statutory grant's review. */
export function reviewStatutoryCall(p: { grantId: Hex; outcome: Hex }): Hex {
  return consentRegistry.encodeFunctionData("reviewStatutory", [toBytes32("grantId", p.grantId), toBytes32("outcome", p.outcome)]) as Hex;
}

/** Signs a call to `to` with the account's next nonce, as the gateway reports it. Nothing is sent. */
export async function signDeskTransaction(client: GatewayBaseClient, p: { account: LocalAccount; to: Address; data: Hex; gasLimit?: bigint }): Promise<Hex> {
  const params = await getTransactionParams(client, { signer: p.account.address });
  const tx = Transaction.from({ type: 0, chainId: BigInt(params.chainId), nonce: params.nonce, gasLimit: p.gasLimit ?? DESK_GAS_LIMIT, gasPrice: BigInt(params.gasPrice), to: toAddress("to", p.to), data: p.data, value: 0n });
  tx.signature = p.account.signDigest(tx.unsignedHash as Hex);
  return tx.serialized as Hex;
}
