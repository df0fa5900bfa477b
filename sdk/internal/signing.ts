import type { ImiBaseClient } from "../clients/ImiBaseClient.js";
import { requireAccount } from "../clients/ImiBaseClient.js";
import type { ImiAccount } from "../clients/accounts.js";
import { DeadlineExpiredError } from "../errors/errors.js";
import { toEip712Json, type TypedDataDefinition } from "../typedData/hashTypedData.js";
import type { ContractDomainParameters } from "../typedData/domains.js";
import type { Address, Hex, Numberish } from "../types.js";
import { contractAddress, readContract } from "./contractCall.js";
import { toHex, toNonZeroAddress, toSignature, toUint } from "./validate.js";

/** The signature part of a relayed call, as the contracts take it. */
export type Authorization = { signer: Address; deadline: bigint; signature: Hex };

/** A signed action ready to hand to a relayer, with the exact message that was signed. */
export type SignedAction<TPrimary extends string = string> = {
  authorization: Authorization;
  typedData: TypedDataDefinition<TPrimary>;
};

/** Default validity of a signature: one hour of chain time. */
export const DEFAULT_SIGNATURE_TTL = 3600n;

export async function chainTime(client: ImiBaseClient): Promise<bigint> {
  const block = await client.request<{ timestamp: string }>("eth_getBlockByNumber", ["latest", false]);
  return BigInt(block.timestamp);
}

/** Throws DEADLINE_EXPIRED unless `deadline` is after the chain's latest block time. */
export async function checkDeadline(client: ImiBaseClient, field: string, deadline: bigint): Promise<void> {
  const now = await chainTime(client);
  if (deadline <= now) throw new DeadlineExpiredError(field, deadline, now);
}

export async function signWith(client: ImiBaseClient, account: ImiAccount, typedData: TypedDataDefinition): Promise<Hex> {
  if (account.type === "local") return account.signTypedData(typedData);
  if (account.type === "passkey") return account.signTypedData(typedData);
  const signature = await client.request<Hex>("eth_signTypedData_v4", [account.address, toEip712Json(typedData)]);
  // Some hardware wallets answer v as 0/1; the contracts (and toSignature) want 27/28.
  const v = typeof signature === "string" && signature.length === 132 ? parseInt(signature.slice(130), 16) : NaN;
  return toSignature("signature", v === 0 || v === 1 ? `${signature.slice(0, 130)}${(27 + v).toString(16)}` : signature);
}

/**
 * Builds the typed data for `contract` with the signer's current on-chain nonce, checks the
 * deadline against chain time, and signs with the client's (or the given) account.
 */
export async function signAction<TPrimary extends string>(
  client: ImiBaseClient,
  options: {
    /** A contract that takes signed actions (has `nonces`). */
    contract: "identityRegistry" | "consentRegistry" | "enterpriseRegistry" | "creditRegistry" | "communityRegistry";
    account?: ImiAccount;
    deadline?: Numberish;
    action: string;
    build: (p: ContractDomainParameters & { nonce: bigint; deadline: bigint }) => TypedDataDefinition<TPrimary>;
  },
): Promise<SignedAction<TPrimary>> {
  const account = requireAccount(client, options.account, options.action);
  const now = await chainTime(client);
  const deadline = options.deadline === undefined ? now + DEFAULT_SIGNATURE_TTL : toUint("deadline", options.deadline, 256);
  if (deadline <= now) throw new DeadlineExpiredError("deadline", deadline, now);
  const nonce = await readContract(client, { contract: options.contract, functionName: "nonces", args: [account.address] });
  const typedData = options.build({ chainId: client.chainId, verifyingContract: contractAddress(client, options.contract), nonce, deadline });
  const signature = await signWith(client, account, typedData);
  return { authorization: { signer: account.address, deadline, signature }, typedData };
}

/** Validates an authorization handed in for relaying (and that it has not expired on chain). */
export async function checkAuthorization(client: ImiBaseClient, auth: Authorization): Promise<Authorization> {
  const normalized = {
    signer: toNonZeroAddress("authorization.signer", auth.signer),
    deadline: toUint("authorization.deadline", auth.deadline, 256),
    signature: toHex("authorization.signature", auth.signature),
  };
  await checkDeadline(client, "authorization.deadline", normalized.deadline);
  return normalized;
}
