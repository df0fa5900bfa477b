// The enterprise's record in the vault, kept by the counter: the record (licence, tax standing,
// inspections …) goes into the vault through the gateway, its salted commitment onto the chain.
import { readFile } from "node:fs/promises";
import { randomBytes32, recordCommitment, storeEnterpriseRecord, updateEnterpriseRecord, type Hex, type LocalAccount } from "@imi-ledger/sdk";
import { connect, loadKey, type KeyOptions, type Node, type NodeOptions } from "../../internal/connect.js";
import { usage } from "../../internal/errors.js";
import { staffLogin, withClient } from "../../internal/gateway.js";
import { enterpriseArg } from "./subject.js";

export type EnterpriseRecord = Record<string, Record<string, string | number | boolean>>;

/** A record file: a JSON object of categories, each an object of plain values. */
export async function readRecordFile(option: string, path: string): Promise<EnterpriseRecord> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, "utf8"));
  } catch {
    throw usage("INVALID_RECORD", `${option}: ${path} is not a readable JSON file`);
  }
  const ok = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);
  if (!ok(parsed) || !Object.values(parsed as object).every((fields) => ok(fields) && Object.values(fields as object).every((x) => ["string", "number", "boolean"].includes(typeof x))))
    throw usage("INVALID_RECORD", `${option}: the record maps categories (licence, tax, inspection …) to objects of plain values`);
  return parsed as EnterpriseRecord;
}

/** Stores the record in the vault through the gateway, as the counter (staff session). */
export async function storeInVault(node: Node, counter: LocalAccount, enterprise: Hex, record: EnterpriseRecord, salt: Hex): Promise<string[]> {
  const base = node.requireGateway();
  const token = await staffLogin(base, node.deployment.chainId, counter);
  const stored = await withClient(base, (client) => storeEnterpriseRecord(client, { enterprise, record, salt, token }));
  return stored.categories;
}

export type UpdateRecordOptions = NodeOptions & KeyOptions & { enterprise: string; record: string };
export type UpdateRecordResult = { enterprise: Hex; commitment: Hex; salt: Hex; categories: string[]; txHash: Hex };

/**
 * The counter records a changed record: a new salt and commitment on chain (EnterpriseRegistry.updateRecord),
 * then the record itself into the vault, which the gateway accepts only if it matches that commitment.
 */
export async function updateRecord(options: UpdateRecordOptions): Promise<UpdateRecordResult> {
  const enterprise = enterpriseArg("<enterprise>", options.enterprise);
  const record = await readRecordFile("--record", options.record);
  const node = await connect(options);
  node.requireGateway();
  const counter = await loadKey(options, "counter");
  const salt = randomBytes32();
  const commitment = recordCommitment(record, salt);
  const { hash } = await updateEnterpriseRecord(node.client(counter), { enterprise, commitment });
  const categories = await storeInVault(node, counter, enterprise, record, salt);
  return { enterprise, commitment, salt, categories, txHash: hash };
}
