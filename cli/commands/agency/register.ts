// `imi agency register`: the governor registers an agency and what it may ask for, per purpose.
import { readFile } from "node:fs/promises";
import type { Address, AgencyProfile, AgencyPurposeDeclaration, Hex } from "@imi-ledger/sdk";
import { CliError, EXIT } from "../../CliError.js";
import { connect, loadKey, type KeyOptions, type NodeOptions } from "../../internal/connect.js";
import { usage } from "../../internal/errors.js";
import { address, purpose as parsePurpose, scopes as parseScopes, scopeNames } from "../../internal/parse.js";

type Localized = { "zh-CN": string; en: string };

/**
 * What an agency registers, as a file the governor keeps (`--file`):
 * `{ name: {zh-CN, en}, contact, legalBasis: {zh-CN, en}, purposes: [{ id, categories: [..], name: {zh-CN, en} }] }`.
 * A purpose with no categories withdraws it.
 */
export type AgencyRegistrationFile = {
  name: Localized;
  contact: string;
  legalBasis: Localized;
  purposes: Array<{ id: string; categories: string[]; name: Localized }>;
};

export type RegisterAgencyOptions = NodeOptions & KeyOptions & { account: string; file?: string; registration?: AgencyRegistrationFile };
export type RegisterAgencyResult = { agency: Address; purposes: Array<{ id: string; purpose: Hex; categories: string[] }>; txHash: Hex; blockNumber: number };

function localized(field: string, value: unknown): Localized {
  const v = value as Partial<Localized> | undefined;
  if (typeof v?.["zh-CN"] !== "string" || typeof v.en !== "string" || !v["zh-CN"] || !v.en) throw usage("INVALID_REGISTRATION", `${field}: give a text in both "zh-CN" and "en"`);
  return { "zh-CN": v["zh-CN"], en: v.en };
}

/** Checks a registration file and turns it into the contract's profile and purpose declarations. */
export function parseRegistration(input: unknown): { profile: AgencyProfile; purposes: Array<AgencyPurposeDeclaration & { id: string; categories: string[] }> } {
  const r = input as Partial<AgencyRegistrationFile> | undefined;
  if (typeof r !== "object" || r === null) throw usage("INVALID_REGISTRATION", "the registration must be a JSON object");
  const name = localized("name", r.name);
  const basis = localized("legalBasis", r.legalBasis);
  if (typeof r.contact !== "string" || r.contact.length === 0) throw usage("INVALID_REGISTRATION", "contact: give how citizens reach the agency");
  if (!Array.isArray(r.purposes)) throw usage("INVALID_REGISTRATION", "purposes: give a list (it may be empty)");
  const purposes = r.purposes.map((p, i) => {
    const { code, name: id } = parsePurpose(p?.id);
    const scopes = Array.isArray(p.categories) && p.categories.length > 0 ? parseScopes(p.categories.join(",")) : 0n;
    const names = scopes === 0n ? { "zh-CN": "", en: "" } : localized(`purposes[${i}].name`, p.name);
    return { id: id ?? code, purpose: code, scopes, nameZh: names["zh-CN"], nameEn: names.en, categories: scopeNames(scopes) };
  });
  return { profile: { nameZh: name["zh-CN"], nameEn: name.en, contact: r.contact, legalBasisZh: basis["zh-CN"], legalBasisEn: basis.en }, purposes };
}

export async function registerAgency(options: RegisterAgencyOptions): Promise<RegisterAgencyResult> {
  const agency = address("account", options.account);
  let input: unknown = options.registration;
  if (input === undefined) {
    if (!options.file) throw usage("INVALID_REGISTRATION", "--file: give the agency's registration (JSON)");
    try {
      input = JSON.parse(await readFile(options.file, "utf8"));
    } catch (cause) {
      throw new CliError("INVALID_REGISTRATION", `--file: ${options.file} is not readable JSON`, { exitCode: EXIT.usage, cause });
    }
  }
  const { profile, purposes } = parseRegistration(input);
  const node = await connect(options);
  if (!node.deployment.contracts.agencyRegistry) throw new CliError("DEPLOYMENT_INCOMPLETE", "the deployment has no AgencyRegistry", { exitCode: EXIT.config });
  const client = node.client(await loadKey(options, "governor"));
  const sent = await client.agencies.register({ agency, profile, purposes });
  return { agency, purposes: purposes.map((p) => ({ id: p.id, purpose: p.purpose, categories: p.categories })), txHash: sent.hash, blockNumber: sent.blockNumber };
}
