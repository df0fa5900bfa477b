// The SDK's agency registration actions against a real chain: the governor registers and declares,
// bad input fails before anything is signed, and a grant beyond the registration surfaces as the
// contract's named error with the excess categories; after a narrowing, the chain's check names it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConsentRegistryAgencyNotRegisteredForError, InvalidInputError, purposeCode, scopesFromNames } from "@imi-ledger/sdk";
import { caught, sdkFixture, type SdkFixture } from "./fixture.js";

const PROFILE = { nameZh: "区住房保障中心", nameEn: "District Housing Security Centre", contact: "12345", legalBasisZh: "《公共租赁住房管理办法》第七条", legalBasisEn: "Public Rental Housing Regulation, art. 7" };
const HOUSING = purposeCode("housing-benefit");
const ADDRESS = scopesFromNames(["address"]);
const INCOME = scopesFromNames(["income"]);

describe("sdk: agency registration", () => {
  let fx: SdkFixture;
  beforeAll(async () => {
    fx = await sdkFixture();
  }, 240_000);
  afterAll(async () => fx?.connection.close());

  it("registers, declares, answers the excess, and refuses an empty name before signing", async () => {
    const agency = fx.freshAccount().address;
    const gov = fx.clients.governor;
    expect(await gov.agencies.excessScopes({ agency, purpose: HOUSING, scopes: ADDRESS })).toEqual({ excess: ADDRESS, registered: 0n });
    const bad = await caught(() => gov.agencies.register({ agency, profile: { ...PROFILE, nameEn: "" } }));
    expect(bad).toBeInstanceOf(InvalidInputError);
    expect(bad.code).toBe("INVALID_TEXT");
    await gov.agencies.register({ agency, profile: PROFILE, purposes: [{ purpose: HOUSING, scopes: ADDRESS, nameZh: "住房保障资格审核", nameEn: "Housing eligibility" }] });
    expect(await gov.agencies.excessScopes({ agency, purpose: HOUSING, scopes: ADDRESS | INCOME })).toEqual({ excess: INCOME, registered: ADDRESS });
    await gov.agencies.declarePurposes({ agency, purposes: [{ purpose: HOUSING, scopes: ADDRESS | INCOME, nameZh: "住房保障资格审核", nameEn: "Housing eligibility" }] });
    expect((await gov.agencies.excessScopes({ agency, purpose: HOUSING, scopes: ADDRESS | INCOME })).excess).toBe(0n);
  });

  it("a grant beyond the registration is the contract's named error, with the purpose and the excess", async () => {
    const agency = await fx.fundedAccount();
    await fx.clients.governor.roles.grant({ role: 3, member: agency.address });
    await fx.clients.governor.agencies.register({ agency: agency.address, profile: PROFILE, purposes: [{ purpose: HOUSING, scopes: ADDRESS, nameZh: "住房", nameEn: "Housing" }] });
    const { citizen, client } = await fx.registerCitizen();
    const now = BigInt(Math.floor(Date.now() / 1000));
    const error = await caught(() =>
      client.consent.grant({ request: { citizen, agency: agency.address, scopes: ADDRESS | INCOME, purpose: HOUSING, validFrom: now - 10n, validUntil: now + 86_400n, maxUses: 0 } }),
    );
    expect(error).toBeInstanceOf(ConsentRegistryAgencyNotRegisteredForError);
    expect((error as ConsentRegistryAgencyNotRegisteredForError).args).toMatchObject({ purpose: HOUSING, excessScopes: INCOME });
  });

  it("a registration narrowed after the consent: checkAccess names the decision AgencyNotRegisteredFor, and what stays registered is allowed", async () => {
    const agency = await fx.fundedAccount();
    await fx.clients.governor.roles.grant({ role: 3, member: agency.address });
    const declare = (scopes: bigint) => [{ purpose: HOUSING, scopes, nameZh: "住房", nameEn: "Housing" }];
    await fx.clients.governor.agencies.register({ agency: agency.address, profile: PROFILE, purposes: declare(ADDRESS | INCOME) });
    const { citizen, client } = await fx.registerCitizen();
    const now = BigInt(Math.floor(Date.now() / 1000));
    await client.consent.grant({ request: { citizen, agency: agency.address, scopes: ADDRESS | INCOME, purpose: HOUSING, validFrom: now - 10n, validUntil: now + 86_400n, maxUses: 0 } });
    await fx.clients.governor.agencies.declarePurposes({ agency: agency.address, purposes: declare(ADDRESS) });
    const reader = fx.clients.reader.consent;
    expect(await reader.check({ agency: agency.address, citizen, scopes: INCOME, purpose: HOUSING })).toMatchObject({ allowed: false, decision: "AgencyNotRegisteredFor" });
    expect(await reader.check({ agency: agency.address, citizen, scopes: ADDRESS, purpose: HOUSING })).toMatchObject({ allowed: true, decision: "Allowed" });
  });
});
