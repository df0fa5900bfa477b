import { readFile } from "node:fs/promises";
import { Interface } from "ethers";
import { identityRegistryAbi } from "@imi-ledger/sdk";
import type { ImiClient } from "@imi-ledger/sdk";
import type { LocalAccount } from "@imi-ledger/sdk";
import type { Address, Hex } from "@imi-ledger/sdk";
import { randomBytes32, recordCommitment } from "@imi-ledger/sdk";
import { connect, loadKey, type KeyOptions, type NodeOptions } from "../../internal/connect.js";
import { birthDateProblem } from "../../internal/dates.js";
import { usage } from "../../internal/errors.js";
import { gatewayJson, staffLogin } from "../../internal/gateway.js";
import { address, bytes32, CATEGORIES, integer } from "../../internal/parse.js";
import { signCall } from "../../internal/transactions.js";

const identityRegistry = new Interface(identityRegistryAbi as never);

export type CitizenRecord = Record<string, Record<string, string | number | boolean>>;

export type RegisterCitizenOptions = NodeOptions &
  KeyOptions & {
    controller: string;
    level?: string;
    citizen?: string;
    /** A JSON record (`{"identity":{"name":…}}`) or @file. */
    record?: string;
    name?: string;
    idNumber?: string;
    birthDate?: string;
    district?: string;
  };

export type RegisterCitizenResult = { citizen: Hex; controller: Address; level: number; commitment: Hex; salt: Hex; txHash: Hex; blockNumber: number };

/** The record from the flags and/or --record, checked against the gateway's data categories. */
export async function recordFrom(options: Pick<RegisterCitizenOptions, "record" | "name" | "idNumber" | "birthDate" | "district">): Promise<CitizenRecord> {
  let record: CitizenRecord = {};
  if (options.record !== undefined) {
    let text = options.record;
    if (text.startsWith("@")) {
      try {
        text = await readFile(text.slice(1), "utf8");
      } catch {
        throw usage("RECORD_UNREADABLE", `--record: cannot read ${text.slice(1)}`);
      }
    }
    try {
      record = JSON.parse(text) as CitizenRecord;
    } catch {
      throw usage("INVALID_RECORD", "--record: not valid JSON");
    }
  }
  const add = (category: string, field: string, value: string | undefined) => {
    if (value !== undefined) record[category] = { ...record[category], [field]: value };
  };
  add("identity", "name", options.name);
  add("identity", "idNumber", options.idNumber);
  add("birth", "birthDate", options.birthDate);
  add("address", "district", options.district);
  return checkRecord(record);
}

export function checkRecord(record: unknown): CitizenRecord {
  if (typeof record !== "object" || record === null || Array.isArray(record) || Object.keys(record).length === 0)
    throw usage("INVALID_RECORD", "the record is empty: give --name, --birth-date, --district or --record");
  for (const [category, fields] of Object.entries(record)) {
    if (!CATEGORIES.includes(category)) throw usage("INVALID_RECORD", `record category ${JSON.stringify(category)} is unknown; use ${CATEGORIES.join(", ")}`);
    if (typeof fields !== "object" || fields === null || Array.isArray(fields)) throw usage("INVALID_RECORD", `record category ${category} must be an object of fields`);
  }
  const birthDate = (record as CitizenRecord).birth?.birthDate;
  if (birthDate !== undefined) {
    const problem = birthDateProblem(birthDate);
    if (problem) throw problem;
  }
  return record as CitizenRecord;
}

export type SignedRegistration = { p: { citizen: Hex; controller: Address; level: number; record: CitizenRecord }; salt: Hex; signedTransaction: string };

/** The registrar signs IdentityRegistry.register for this citizen, key, level and the commitment of this record. */
export async function signRegistration(
  client: ImiClient,
  registrar: LocalAccount,
  p: { citizen: Hex; controller: Address; level: number; record: CitizenRecord },
  nonce?: number,
): Promise<SignedRegistration> {
  const salt = randomBytes32();
  const commitment = recordCommitment(p.record, salt);
  const data = identityRegistry.encodeFunctionData("register", [p.citizen, p.controller, commitment, p.level]) as Hex;
  return { p, salt, signedTransaction: await signCall(client, registrar, client.deployment.contracts.identityRegistry, data, nonce) };
}

/**
 * Sends a signed registration to the gateway, which checks it commits to exactly this record,
 * stores the record in the vault and broadcasts, so chain and vault never disagree. The same signed
 * registration may be sent again after a "not now" refusal: it is the same transaction.
 */
export async function submitRegistration(gateway: string, token: string, signed: SignedRegistration): Promise<RegisterCitizenResult> {
  const { p, salt, signedTransaction } = signed;
  const out = await gatewayJson<{ citizen: Hex; commitment: Hex; txHash: Hex; blockNumber: number }>(gateway, "/v1/registrar/citizens", {
    token,
    body: { citizen: p.citizen, controller: p.controller, level: p.level, salt, record: p.record, signedTransaction },
  });
  return { citizen: out.citizen, controller: p.controller, level: p.level, commitment: out.commitment, salt, txHash: out.txHash, blockNumber: out.blockNumber };
}

/** One registration through the gateway: signed here (the gateway holds no registrar power), checked and broadcast there. */
export async function registerOne(
  gateway: string,
  token: string,
  client: ImiClient,
  registrar: LocalAccount,
  p: { citizen: Hex; controller: Address; level: number; record: CitizenRecord },
): Promise<RegisterCitizenResult> {
  return submitRegistration(gateway, token, await signRegistration(client, registrar, p));
}

export async function registerCitizen(options: RegisterCitizenOptions): Promise<RegisterCitizenResult> {
  const controller = address("--controller", options.controller);
  const level = options.level === undefined ? 2 : integer("--level", options.level, 1, 3);
  const citizen = options.citizen === undefined ? randomBytes32() : bytes32("--citizen", options.citizen);
  const record = await recordFrom(options);
  const node = await connect(options);
  const gateway = node.requireGateway();
  const registrar = await loadKey(options);
  const client = node.client(registrar);
  const token = await staffLogin(gateway, node.deployment.chainId, registrar);
  return registerOne(gateway, token, client, registrar, { citizen, controller, level, record });
}
