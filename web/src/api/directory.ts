// Names for addresses and codes (GET /v1/directory) and where the contracts are (GET /v1/deployment).
// Both are fetched once per page load.
import { categoriesOf } from "@imi-ledger/sdk";
import type { Language } from "../i18n/index.js";
import { gateway } from "./client.js";

export type LocalizedName = { "zh-CN": string; en: string };
/** A registered agency (AgencyRegistry) also carries its contact, legal basis and, per purpose code, the scopes it declared. */
export type DirectoryAgency = LocalizedName & { contact?: string; legalBasis?: LocalizedName; purposes?: Record<string, string> };
export type Directory = {
  agencies: Record<string, DirectoryAgency>;
  purposes: Record<string, LocalizedName & { id?: string }>;
  categories: Array<LocalizedName & { id: string; bit: number }>;
};
export type Deployment = { chainId: number; contracts: Record<string, string>; gateway: string };

let directory: Promise<Directory> | undefined;
let deployment: Promise<Deployment> | undefined;

export function getDirectory(): Promise<Directory> {
  directory ??= (gateway.getDirectory() as Promise<Directory>).catch((error) => {
    directory = undefined;
    throw error;
  });
  return directory;
}

export function getDeployment(): Promise<Deployment> {
  deployment ??= (gateway.getDeployment() as Promise<Deployment>).catch((error) => {
    deployment = undefined;
    throw error;
  });
  return deployment;
}

export const agencyName = (d: Directory, account: string, lang: Language): string | undefined => d.agencies[account.toLowerCase()]?.[lang];
export const purposeName = (d: Directory, code: string, lang: Language): string | undefined => d.purposes[code.toLowerCase()]?.[lang];

/** The categories a scope bitmask names, in the person's language, joined as a list. */
export function categoryNames(d: Directory, scopes: string, lang: Language): string {
  const names = categoriesOf(BigInt(scopes)).map((bit) => d.categories[bit]?.[lang] ?? `#${bit}`);
  return new Intl.ListFormat(lang, { style: "long", type: "conjunction" }).format(names);
}
