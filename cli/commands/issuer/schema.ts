import { readFile } from "node:fs/promises";
import { Interface } from "ethers";
import { credentialRegistryAbi } from "@imi-ledger/sdk";
import type { Address, Hex } from "@imi-ledger/sdk";
import { connect, loadKey, type KeyOptions, type NodeOptions } from "../../internal/connect.js";
import { getLogs } from "../../internal/logs.js";
import { usage } from "../../internal/errors.js";
import { address, bytes32 } from "../../internal/parse.js";

const credentialRegistry = new Interface(credentialRegistryAbi as never);

export type RegisterSchemaOptions = NodeOptions & KeyOptions & { name: string; version: string; document?: string; trust?: string[] };
export type RegisterSchemaResult = { schemaId: Hex; name: string; version: string; trusted: Address[]; txHashes: Hex[] };

/** The governor registers a credential schema (its id: the hash of the schema document) and names its trusted issuers. */
export async function registerSchema(options: RegisterSchemaOptions): Promise<RegisterSchemaResult> {
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/i.test(options.name ?? "")) throw usage("INVALID_NAME", "--name: letters, digits, dots and dashes, e.g. senior-card");
  if (!/^[0-9A-Za-z._-]{1,32}$/.test(options.version ?? "")) throw usage("INVALID_VERSION", "--version: e.g. 1 or 2.0");
  const trusted = (options.trust ?? []).map((a) => address("--trust", a));
  let document = JSON.stringify({ title: options.name, version: options.version });
  if (options.document !== undefined) {
    try {
      document = await readFile(options.document, "utf8");
    } catch {
      throw usage("DOCUMENT_UNREADABLE", `--document: cannot read ${options.document}`);
    }
  }
  const node = await connect(options);
  const client = node.client(await loadKey(options, "governor"));
  const { hash, schemaId } = await client.credentials.registerSchema({ document, name: options.name, version: options.version });
  const txHashes: Hex[] = [hash];
  for (const issuer of trusted) txHashes.push((await client.credentials.setIssuerTrust({ schemaId, issuer, trusted: true })).hash);
  return { schemaId, name: options.name, version: options.version, trusted, txHashes };
}

export type TrustIssuerOptions = NodeOptions & KeyOptions & { schema: string; issuer: string; revoke?: boolean };

/** The governor trusts (or stops trusting) an issuer for one schema. */
export async function trustIssuer(options: TrustIssuerOptions): Promise<{ schemaId: Hex; issuer: Address; trusted: boolean; txHash: Hex }> {
  const schemaId = bytes32("<schema>", options.schema);
  const issuer = address("<issuer>", options.issuer);
  const node = await connect(options);
  const client = node.client(await loadKey(options, "governor"));
  const trusted = options.revoke !== true;
  const { hash } = await client.credentials.setIssuerTrust({ schemaId, issuer, trusted });
  return { schemaId, issuer, trusted, txHash: hash };
}

export type SchemaInfo = { schemaId: Hex; name: string; version: string; deprecated: boolean; registeredBlock: number; issuerTrusted?: boolean };

/** Every registered schema, from the registry's SchemaRegistered events, with its current state. */
export async function listSchemas(options: NodeOptions & { issuer?: string }): Promise<{ schemas: SchemaInfo[] }> {
  const issuer = options.issuer === undefined ? undefined : address("--issuer", options.issuer);
  const node = await connect(options);
  const client = node.client();
  const topic = credentialRegistry.getEvent("SchemaRegistered")!.topicHash;
  const logs = await getLogs(client, { address: node.deployment.contracts.credentialRegistry, topics: [topic], fromBlock: node.deployment.fromBlock ?? 0 });
  const schemas = await Promise.all(
    logs.map(async (log) => {
      const schemaId = credentialRegistry.parseLog(log)!.args.schemaId as Hex;
      const s = await client.credentials.getSchema({ schemaId, ...(issuer ? { issuer } : {}) });
      return { schemaId, name: s.name, version: s.version, deprecated: s.deprecatedAt !== 0n, registeredBlock: Number(BigInt(log.blockNumber)), ...(issuer ? { issuerTrusted: s.issuerTrusted } : {}) };
    }),
  );
  return { schemas };
}
