import type { Hex } from "@imi-ledger/sdk";
import type { BatchMembership } from "@imi-ledger/sdk";
import { connect, loadKey, type KeyOptions, type NodeOptions } from "../../internal/connect.js";
import { bytes32, integer } from "../../internal/parse.js";
import { readCredential } from "./anchor.js";

export type StatusChange = "revoke" | "suspend" | "reinstate";
export type ChangeStatusOptions = NodeOptions & KeyOptions & { credential: string; reason?: string };
export type ChangeStatusResult = { action: StatusChange; credentialHash: Hex; status: string; txHash: Hex };

/** Revokes, suspends or reinstates a credential, named by its hash or its file (a batched one needs its file). */
export async function changeCredentialStatus(action: StatusChange, options: ChangeStatusOptions): Promise<ChangeStatusResult> {
  let credentialHash: Hex;
  let batch: BatchMembership | undefined;
  if (options.credential.startsWith("0x")) credentialHash = bytes32("<credential>", options.credential);
  else {
    const c = await readCredential(options.credential);
    credentialHash = c.credentialHash;
    batch = c.batch;
  }
  const reason = options.reason === undefined ? 0 : integer("--reason", options.reason, 0, 65_535);
  const node = await connect(options);
  const client = node.client(await loadKey(options));
  const { hash } = await client.credentials[action]({ credentialHash, reason, ...(batch ? { batch } : {}) });
  const status = await client.credentials.status({ credentialHash, ...(batch ? { batch } : {}) });
  return { action, credentialHash, status, txHash: hash };
}
