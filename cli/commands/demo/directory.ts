// The demo's agencies by name, so the web app shows "区民政局" rather than an address. The demo's
// keys are made here if they do not exist yet (the same key ring the demo uses), so `imi up --demo`
// can hand the names to the gateway before it starts.
import type { DirectorySettings } from "../../../node/gateway/routes/directory.js";
import { openKeyRing } from "../../../node/runtime/keys.js";

export const DEMO_AGENCY_NAMES: Record<string, { "zh-CN": string; en: string }> = {
  "demo-agency-1": { "zh-CN": "区民政局", en: "District Civil Affairs Bureau" },
  "demo-agency-2": { "zh-CN": "区卫生健康委员会", en: "District Health Commission" },
  "demo-registrar": { "zh-CN": "区政务服务中心", en: "District Government Service Centre" },
  "demo-issuer": { "zh-CN": "区老龄工作委员会", en: "District Committee on Ageing" },
  "demo-auditor": { "zh-CN": "区审计局", en: "District Audit Office" },
};

/** The demo's entries for the directory; names configured in imi.json for the same accounts win. */
export async function demoDirectory(dataDir: string, configured: DirectorySettings | undefined, env: NodeJS.ProcessEnv = process.env): Promise<DirectorySettings> {
  const ring = await openKeyRing(dataDir, env);
  const agencies: Record<string, { "zh-CN": string; en: string }> = {};
  for (const [key, name] of Object.entries(DEMO_AGENCY_NAMES)) agencies[(await ring.address(key)).toLowerCase()] = name;
  const own = Object.fromEntries(Object.entries(configured?.agencies ?? {}).map(([account, name]) => [account.toLowerCase(), name]));
  return { ...configured, agencies: { ...agencies, ...own } };
}
