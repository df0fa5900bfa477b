// Test agencies' registrations in the AgencyRegistry. Since the registry, an agency that never
// registered a purpose can receive no consent and no statutory grant for it, so every fixture that
// gives an account the agency role also registers it, for every category, under the purposes the
// suite's files use. Tests about registration itself register fresh agencies narrowly instead.
import { keccak256, toUtf8Bytes, type Contract, type ContractRunner } from "ethers";

/** Purposes (plain ids) the suite grants under; registered with their names for the directory. */
export const FIXTURE_PURPOSES: readonly string[] = [
  "social-benefits", "elderly-care", "health-services", "residence-check", "proactive-services",
  "a", "b", "c", "again", "basis", "benefits", "benefits-eligibility", "care", "civil-procedure", "criminal-procedure-12",
  "criminal-procedure-art-12", "deceased", "direct", "dissolved", "e", "emigrated", "employed", "evidence",
  "first", "green-channel", "health", "housing", "housing-benefit", "investigation", "joint-punishment",
  "kill-nine", "lawful", "marketing", "memorandum-2016-33", "other", "p", "permit", "police-act-12",
  "school-enrolment", "second", "tax", "tax-act-7", "tax-act-s12", "tax-audit", "tax-credit-rules",
  "tax-law-art-6", "x", "yes", "gas", "grant", "anything", "cow",
  "paging-0", "paging-1", "paging-2", "paging-3", "stale-websocket", "stale-polling", "passkey-grant",
];

/** Names the directory shows for the purposes people read in the web tests (the others show their id). */
const NAMES: Record<string, [string, string]> = {
  "social-benefits": ["社会福利审核", "Social benefits assessment"],
  "elderly-care": ["养老服务", "Elderly care services"],
  "health-services": ["医疗服务", "Health services"],
  "residence-check": ["居住证明核验", "Proof of residence"],
};

/** Every category bit: fixture agencies may ask for anything under their purposes. */
export const ALL_SCOPES = (1n << 256n) - 1n;

export const FIXTURE_PROFILE = {
  nameZh: "测试机关",
  nameEn: "Test agency",
  contact: "12345",
  legalBasisZh: "测试依据",
  legalBasisEn: "Test basis",
};

export function purposeDeclarations(ids: readonly string[], scopes: bigint = ALL_SCOPES) {
  return ids.map((id) => ({ purpose: keccak256(toUtf8Bytes(id)), scopes, nameZh: NAMES[id]?.[0] ?? id, nameEn: NAMES[id]?.[1] ?? id }));
}

/** The governor registers `agency` for every category under `purposes` ({@link FIXTURE_PURPOSES} unless given). */
export async function registerFixtureAgency(
  agencyRegistry: Contract | { connect(runner: ContractRunner): unknown },
  governor: ContractRunner,
  agency: string,
  profile = FIXTURE_PROFILE,
  purposes: readonly string[] = FIXTURE_PURPOSES,
): Promise<void> {
  const registry = (agencyRegistry as Contract).connect(governor) as Contract;
  await (await registry.getFunction("register")(agency, profile, purposeDeclarations(purposes))).wait();
}

/**
 * The same registration as a file for `imi agency register` (CLI tests): every category under the
 * purposes given (a CLI test names the few it uses: each purpose is a storage write on its node).
 */
export function fixtureRegistrationFile(name: { "zh-CN": string; en: string } = { "zh-CN": FIXTURE_PROFILE.nameZh, en: FIXTURE_PROFILE.nameEn }, purposes: readonly string[] = FIXTURE_PURPOSES) {
  const categories = ["identity", "birth", "address", "contact", "health", "income", "family", "credentials"];
  return {
    name,
    contact: FIXTURE_PROFILE.contact,
    legalBasis: { "zh-CN": FIXTURE_PROFILE.legalBasisZh, en: FIXTURE_PROFILE.legalBasisEn },
    purposes: purposes.map((id) => ({ id, categories, name: { "zh-CN": NAMES[id]?.[0] ?? id, en: NAMES[id]?.[1] ?? id } })),
  };
}
