// Agencies may ask only for what they registered (AgencyRegistry): the gateway refuses, and logs, an
// access beyond the agency's registration as it stands, even under a consent given before the
// registration was narrowed; the directory names agencies and purposes from the registry.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import type { Hex } from "@imi-ledger/sdk";
import { code, grantConsent, registerCitizen } from "../indexer/helpers.js";
import { createHarness, localKeyOf, type Harness } from "./harness.js";

const P = code("social-benefits");
const ADDRESS = 1n << 2n;
const INCOME = 1n << 5n;
const HEALTH = 1n << 4n;
const PROFILE = {
  nameZh: "区住房保障中心",
  nameEn: "District Housing Security Centre",
  contact: "12345 转 6",
  legalBasisZh: "《公共租赁住房管理办法》第七条",
  legalBasisEn: "Public Rental Housing Regulation, art. 7",
};
const declared = (scopes: bigint) => [{ purpose: P, scopes, nameZh: "住房保障资格审核", nameEn: "Housing eligibility" }];

describe("gateway: an access beyond the agency's registration", () => {
  let h: Harness;
  let app: FastifyInstance;
  let token: string;
  let citizen: string;
  let housing: string;

  beforeAll(async () => {
    h = await createHarness();
    const { f } = h;
    const registry = f.contracts.agencyRegistry.connect(f.accounts.governor);
    (h.deployment.contracts as Record<string, Hex>).agencyRegistry = (await registry.getAddress()) as Hex;
    housing = f.accounts.others[5]!.address;
    await (await f.contracts.accessManager.connect(f.accounts.governor).grantRole(3n, housing, 0)).wait();
    await (await registry.register(housing, PROFILE, declared(ADDRESS | INCOME))).wait();
    citizen = await registerCitizen(f, f.accounts.others[0]);
    await h.vault.put(citizen, { address: { district: "Haidian" }, income: { yearly: 52000 }, health: { blood: "A" } });
    await grantConsent(f, f.accounts.others[0], { citizen, agency: housing, scopes: ADDRESS | INCOME, purpose: P });
    await h.indexer.sync();
    app = await h.app();
    token = await h.login(app, localKeyOf(housing));
  }, 240_000);
  afterAll(async () => h?.close());

  const read = (scopes: bigint) => h.withSession(app, token, "/v1/access/data", { citizen, scopes: String(scopes), purpose: P });

  it("registration narrowed after the consent: the category no longer registered is refused, named, and logged; the rest is still served", async () => {
    expect((await read(ADDRESS | INCOME)).statusCode).toBe(200);
    await (await h.f.contracts.agencyRegistry.connect(h.f.accounts.governor).declarePurposes(housing, declared(ADDRESS))).wait();
    await h.indexer.sync();

    const before = h.accessLog.lastSeq();
    const refused = await read(ADDRESS | INCOME);
    expect(refused.statusCode).toBe(403);
    const out = refused.json();
    expect([out.code, out.excessScopes, out.excessCategories]).toEqual(["AGENCY_NOT_REGISTERED_FOR", String(INCOME), ["income"]]);
    expect(out.data).toBeUndefined();
    expect(out.receipt.seq).toBe(before + 1);
    const logged = await h.accessLog.get(out.receipt.seq);
    expect(logged).toMatchObject({ decision: "denied", reason: "AGENCY_NOT_REGISTERED_FOR", kind: "data", citizen: citizen.toLowerCase() });

    const still = await read(ADDRESS);
    expect(still.statusCode).toBe(200);
    expect(still.json().data).toEqual({ address: { district: "Haidian" } });
  });

  it("a refusal the consent decides keeps its own reason (a category the consent never covered)", async () => {
    const res = await read(HEALTH);
    expect([res.statusCode, res.json().code]).toEqual([403, "SCOPE_NOT_COVERED"]);
  });

  it("a yes/no question beyond the registration is refused the same way", async () => {
    const birth = 1n << 1n;
    const res = await h.withSession(app, token, "/v1/access/predicate", { citizen, scopes: String(birth), purpose: P, predicate: { type: "ageAtLeast", years: 18 } });
    // The consent does not cover birth either: the consent's refusal comes first.
    expect(res.json().code).toBe("SCOPE_NOT_COVERED");
  });

  it("the directory names the agency and its purpose from the registry, with contact, legal basis and declared categories", async () => {
    const res = await app.inject({ method: "GET", url: "/v1/directory" });
    expect(res.statusCode).toBe(200);
    const dir = res.json();
    expect(dir.agencies[housing.toLowerCase()]).toEqual({
      "zh-CN": PROFILE.nameZh,
      en: PROFILE.nameEn,
      contact: PROFILE.contact,
      legalBasis: { "zh-CN": PROFILE.legalBasisZh, en: PROFILE.legalBasisEn },
      purposes: { [P.toLowerCase()]: String(ADDRESS) },
    });
    expect(dir.purposes[P.toLowerCase()]).toEqual({ "zh-CN": "住房保障资格审核", en: "Housing eligibility", id: "social-benefits" });
  });
});
