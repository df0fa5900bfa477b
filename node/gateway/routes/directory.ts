// Names for people: agency accounts, purposes and data categories in both languages the web app
// speaks. The chain and the access log know only addresses and hashes; this directory is what
// turns them into "区民政局 · 社会福利审核". Agencies registered on chain (AgencyRegistry) are named
// from their registration, with their contact, legal basis and declared purposes; the deployment's
// configuration (imi.json `directory`) names everything else (registrars, auditors, categories) and
// serves deployments made before the registry existed.
import type { FastifyPluginAsync } from "fastify";
import { gatewayRoutes } from "@imi-ledger/sdk";
import { code } from "@imi-ledger/sdk";
import type { GatewayContext } from "../internal/GatewayContext.js";
import { NodeError } from "../../NodeError.js";
import type { AgencyBook } from "../internal/AgencyBook.js";

export type LocalizedName = { "zh-CN": string; en: string };

export type DirectorySettings = {
  /** Agency (or registrar, auditor) account address → its name. */
  agencies?: Record<string, LocalizedName>;
  /** Purpose as agencies name it (`purposeCode(name)` on the wire), or its 0x code → its name. */
  purposes?: Record<string, LocalizedName>;
  /** Data category (the gateway's category names) → its name. */
  categories?: Record<string, LocalizedName>;
};

/** What a deployment starts with: every default category and the purposes the demo and the docs use. */
export const DEFAULT_DIRECTORY: Required<DirectorySettings> = {
  agencies: {},
  purposes: {
    "social-benefits": { "zh-CN": "社会福利审核", en: "Social benefits assessment" },
    "elderly-care": { "zh-CN": "养老服务", en: "Elderly care services" },
    "health-services": { "zh-CN": "医疗服务", en: "Health services" },
    "residence-check": { "zh-CN": "居住证明核验", en: "Proof of residence" },
  },
  categories: {
    identity: { "zh-CN": "身份信息", en: "Identity" },
    birth: { "zh-CN": "出生日期", en: "Date of birth" },
    address: { "zh-CN": "住址", en: "Address" },
    contact: { "zh-CN": "联系方式", en: "Contact details" },
    health: { "zh-CN": "健康信息", en: "Health" },
    income: { "zh-CN": "收入", en: "Income" },
    family: { "zh-CN": "家庭成员", en: "Family" },
    credentials: { "zh-CN": "证照", en: "Certificates" },
    licence: { "zh-CN": "营业执照与许可", en: "Licences" },
    tax: { "zh-CN": "纳税信用", en: "Tax standing" },
    inspection: { "zh-CN": "检查记录", en: "Inspections" },
  },
};

export type Directory = {
  agencies: Record<string, LocalizedName & { contact?: string; legalBasis?: LocalizedName; purposes?: Record<string, string> }>;
  purposes: Record<string, LocalizedName & { id?: string }>;
  categories: Array<LocalizedName & { id: string; bit: number }>;
};

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

function invalid(setting: string, fix: string): NodeError {
  return new NodeError("GATEWAY_CONFIG_INVALID", `directory.${setting}: ${fix}`, { details: { setting: `directory.${setting}` } });
}

function checkName(setting: string, name: unknown): LocalizedName {
  const n = name as Partial<LocalizedName> | undefined;
  for (const lang of ["zh-CN", "en"] as const)
    if (typeof n?.[lang] !== "string" || n[lang].length === 0 || n[lang].length > 120) throw invalid(`${setting}.${lang}`, "give a name of 1 to 120 characters in both zh-CN and en.");
  return { "zh-CN": n!["zh-CN"]!, en: n!.en! };
}

/** Merges the configured directory over the defaults and keys everything as it travels on the wire. */
export function resolveDirectory(settings: DirectorySettings | undefined, categoryNames: readonly string[]): Directory {
  const agencies: Directory["agencies"] = {};
  for (const [account, name] of Object.entries({ ...DEFAULT_DIRECTORY.agencies, ...settings?.agencies })) {
    if (!ADDRESS.test(account)) throw invalid(`agencies.${account}`, "key each agency by its 0x account address.");
    agencies[account.toLowerCase()] = checkName(`agencies.${account}`, name);
  }
  const purposes: Directory["purposes"] = {};
  for (const [purpose, name] of Object.entries({ ...DEFAULT_DIRECTORY.purposes, ...settings?.purposes })) {
    const hex = BYTES32.test(purpose);
    purposes[hex ? purpose.toLowerCase() : code(purpose)] = { ...checkName(`purposes.${purpose}`, name), ...(hex ? {} : { id: purpose }) };
  }
  const named = { ...DEFAULT_DIRECTORY.categories, ...settings?.categories };
  for (const id of Object.keys(settings?.categories ?? {}))
    if (!categoryNames.includes(id)) throw invalid(`categories.${id}`, `not a category of this gateway (${categoryNames.join(", ")}).`);
  const categories = categoryNames.map((id, bit) => ({ id, bit, ...(named[id] ? checkName(`categories.${id}`, named[id]) : { "zh-CN": id, en: id }) }));
  return { agencies, purposes, categories };
}

/** The registry's names win over configured ones for the agencies and purposes it holds. */
export function withRegistrations(directory: Directory, registry: ReturnType<AgencyBook["entries"]>): Directory {
  const agencies = { ...directory.agencies };
  const purposes = { ...directory.purposes };
  for (const a of registry.agencies) agencies[a.agency] = { ...a.name, contact: a.contact, legalBasis: a.legalBasis, purposes: {} };
  for (const p of registry.purposes) {
    const agency = agencies[p.agency];
    if (agency?.purposes) agency.purposes[p.purpose] = p.scopes.toString();
    purposes[p.purpose] = { ...p.name, ...(purposes[p.purpose]?.id ? { id: purposes[p.purpose]!.id } : {}) };
  }
  return { ...directory, agencies, purposes };
}

export const directoryRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  // Validated when the gateway is built: a bad directory stops the start with the setting's name.
  const directory = resolveDirectory(ctx.options.directory, ctx.options.categories);
  app.get(
    "/v1/directory",
    {
      schema: gatewayRoutes.directory.schema,
    },
    async (_request, reply) => {
      void reply.header("cache-control", "public, max-age=60");
      const book = ctx.agencyBook;
      if (!book) return directory;
      // Names are not a decision: if the registry cannot be read now, the names known so far serve.
      await book.syncTo(ctx.options.indexer.status().indexedBlock).catch(() => undefined);
      return withRegistrations(directory, book.entries());
    },
  );
};
