// The demo's agencies by name, so the web app shows "区民政局" rather than an address. The demo's
// keys are made here if they do not exist yet (the same key ring the demo uses), so `imi up --demo`
// can hand the names to the gateway before it starts.
import type { DirectorySettings } from "../../../node/gateway/routes/directory.js";
import { openKeyRing } from "../../../node/runtime/keys.js";
import type { DefaultCategory } from "@imi-ledger/sdk";
import type { AgencyRegistrationFile } from "../agency/register.js";

/** A purpose's categories, checked against the SDK's category table when this compiles. */
const categories = (...names: DefaultCategory[]): string[] => names;

export const DEMO_AGENCY_NAMES: Record<string, { "zh-CN": string; en: string }> = {
  "demo-agency-1": { "zh-CN": "区民政局", en: "District Civil Affairs Bureau" },
  "demo-agency-2": { "zh-CN": "区卫生健康委员会", en: "District Health Commission" },
  "demo-registrar": { "zh-CN": "区政务服务中心", en: "District Government Service Centre" },
  "demo-issuer": { "zh-CN": "区老龄工作委员会", en: "District Committee on Ageing" },
  "demo-auditor": { "zh-CN": "区审计局", en: "District Audit Office" },
};

/**
 * What the demo's agencies register on chain (AgencyRegistry): what each may ask for, per purpose.
 * The directory's names for them and their purposes come from these registrations.
 */
export const DEMO_AGENCY_REGISTRATIONS: Record<string, AgencyRegistrationFile> = {
  "demo-agency-1": {
    name: DEMO_AGENCY_NAMES["demo-agency-1"]!,
    contact: "12345 转 2（区民政局社会救助科）",
    legalBasis: { "zh-CN": "《社会救助暂行办法》第十一条、第二十七条", en: "Interim Measures for Social Assistance, arts. 11 and 27" },
    purposes: [
      { id: "social-benefits", categories: categories("identity", "birth", "address", "income", "family", "credentials"), name: { "zh-CN": "社会福利审核", en: "Social benefits assessment" } },
      { id: "elderly-care", categories: categories("identity", "birth", "address", "contact", "health", "family", "credentials"), name: { "zh-CN": "养老服务", en: "Elderly care services" } },
      { id: "residence-check", categories: categories("address"), name: { "zh-CN": "居住证明核验", en: "Proof of residence" } },
    ],
  },
  "demo-agency-2": {
    name: DEMO_AGENCY_NAMES["demo-agency-2"]!,
    contact: "12345 转 5（区卫生健康委员会）",
    legalBasis: { "zh-CN": "《中华人民共和国基本医疗卫生与健康促进法》第九十二条", en: "Basic Medical and Health Care and Health Promotion Law, art. 92" },
    purposes: [{ id: "health-services", categories: categories("identity", "birth", "contact", "health"), name: { "zh-CN": "医疗服务", en: "Health services" } }],
  },
};

/** The demo's entries for the directory; names configured in imi.json for the same accounts win. */
export async function demoDirectory(dataDir: string, configured: DirectorySettings | undefined, env: NodeJS.ProcessEnv = process.env): Promise<DirectorySettings> {
  const ring = await openKeyRing(dataDir, env);
  const agencies: Record<string, { "zh-CN": string; en: string }> = {};
  for (const [key, name] of Object.entries(DEMO_AGENCY_NAMES)) agencies[(await ring.address(key)).toLowerCase()] = name;
  const own = Object.fromEntries(Object.entries(configured?.agencies ?? {}).map(([account, name]) => [account.toLowerCase(), name]));
  return { ...configured, agencies: { ...agencies, ...own } };
}
