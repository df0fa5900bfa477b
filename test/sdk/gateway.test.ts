// The agency authentication scheme the gateway verifies: signed requests and session logins.
import { verifyTypedData as ethersVerifyTypedData } from "ethers";
import { describe, expect, test } from "vitest";
import {
  agencyLoginTypedData,
  agencyRequestTypedData,
  generatePrivateKey,
  hashRequestBody,
  hashTypedData,
  privateKeyToAccount,
  purposeCode,
  randomBytes32,
  signAgencyLogin,
  signAgencyRequest,
  verifyAgencyLogin,
  verifyAgencyRequest,
  type Hex,
} from "@imi-ledger/sdk";
import { caught } from "./fixture.js";

const chainId = 31337;
const agency = privateKeyToAccount(generatePrivateKey());
const citizen = randomBytes32();
const body = JSON.stringify({ fields: ["address"] });
const now = 1_900_000_000;
const gateway = privateKeyToAccount(generatePrivateKey()).address;
const sibling = privateKeyToAccount(generatePrivateKey()).address;

function signed() {
  return signAgencyRequest(agency, {
    chainId,
    gateway,
    citizen,
    scopes: 2n,
    purpose: purposeCode("social-benefits"),
    method: "post",
    path: "/v1/records/query",
    body,
    issuedAt: now,
  });
}

describe("agency requests", () => {
  test("sign and verify; the typed data is what ethers verifies too", () => {
    const request = signed();
    expect(request.message).toMatchObject({ agency: agency.address, method: "POST", bodyHash: hashRequestBody(body), issuedAt: String(now) });
    expect(request.message.nonce).toMatch(/^0x[0-9a-f]{64}$/);
    const result = verifyAgencyRequest({ chainId, gateway, signed: request, method: "POST", path: "/v1/records/query", body, now: now + 5 });
    const typedData = agencyRequestTypedData(chainId, request.message);
    expect(result).toEqual({ valid: true, agency: agency.address, requestHash: hashTypedData(typedData), message: request.message });
    expect(typedData.domain).toEqual({ name: "IMI Gateway", version: "1", chainId });
    const types = { AgencyRequest: [...typedData.types.AgencyRequest] };
    expect(ethersVerifyTypedData(typedData.domain, types, typedData.message, request.signature)).toBe(agency.address);
  });

  test("every binding is checked", () => {
    const request = signed();
    const base = { chainId, gateway, signed: request, method: "POST", path: "/v1/records/query", body, now };
    // Meant for one gateway: a sibling gateway of the same deployment refuses it.
    expect(verifyAgencyRequest({ ...base, gateway: sibling })).toEqual({ valid: false, reason: "wrongGateway" });
    expect(verifyAgencyRequest({ ...base, body: body + " " })).toEqual({ valid: false, reason: "bodyMismatch" });
    expect(verifyAgencyRequest({ ...base, path: "/v1/records/other" })).toEqual({ valid: false, reason: "pathMismatch" });
    expect(verifyAgencyRequest({ ...base, method: "GET" })).toEqual({ valid: false, reason: "methodMismatch" });
    expect(verifyAgencyRequest({ ...base, now: now + 121 })).toEqual({ valid: false, reason: "stale" });
    expect(verifyAgencyRequest({ ...base, chainId: 1 })).toEqual({ valid: false, reason: "badSignature" });
    const tampered = { ...request, message: { ...request.message, scopes: "3" } };
    expect(verifyAgencyRequest({ ...base, signed: tampered })).toEqual({ valid: false, reason: "badSignature" });
    const garbage = { ...request, message: { ...request.message, citizen: "0x12" as Hex } };
    expect(verifyAgencyRequest({ ...base, signed: garbage })).toEqual({ valid: false, reason: "malformed" });
    expect(verifyAgencyRequest({ ...base, signed: { ...request, signature: "0x00" } })).toEqual({ valid: false, reason: "malformed" });
  });

  test("bad input throws a named error before signing", async () => {
    const p = { chainId, gateway, citizen, scopes: 2n, purpose: purposeCode("x"), method: "GET", path: "/v1/x" };
    expect(await caught(() => signAgencyRequest(agency, { ...p, path: "v1/x" }))).toMatchObject({ code: "INVALID_REQUEST" });
    expect(await caught(() => signAgencyRequest(agency, { ...p, scopes: 0n }))).toMatchObject({ code: "INVALID_NUMBER" });
    expect(await caught(() => signAgencyRequest(agency, { ...p, citizen: "0x00" as Hex }))).toMatchObject({ code: "INVALID_HASH" });
    expect(await caught(() => signAgencyRequest(agency, { ...p, chainId: 0 }))).toMatchObject({ code: "INVALID_NUMBER" });
    expect(await caught(() => signAgencyRequest(agency, { ...p, gateway: "https://gateway.example" as Hex }))).toMatchObject({ code: "INVALID_ADDRESS" });
  });
});

describe("agency login", () => {
  test("sign, verify, and refuse the wrong audience, expired, too long and tampered logins", () => {
    const login = signAgencyLogin(agency, { chainId, gateway, audience: "https://gateway.example", issuedAt: now });
    const typedData = agencyLoginTypedData(chainId, login.message);
    expect(ethersVerifyTypedData(typedData.domain, { AgencyLogin: [...typedData.types.AgencyLogin] }, typedData.message, login.signature)).toBe(
      agency.address,
    );
    const base = { chainId, signed: login, gateway, audience: "https://gateway.example", now: now + 10 };
    expect(verifyAgencyLogin(base)).toEqual({ valid: true, agency: agency.address, expiresAt: BigInt(now + 900) });
    expect(verifyAgencyLogin({ ...base, audience: "https://other.example" })).toEqual({ valid: false, reason: "wrongAudience" });
    expect(verifyAgencyLogin({ ...base, gateway: sibling })).toEqual({ valid: false, reason: "wrongAudience" });
    expect(verifyAgencyLogin({ ...base, now: now + 901 })).toEqual({ valid: false, reason: "expired" });
    const long = signAgencyLogin(agency, { chainId, gateway, audience: "https://gateway.example", issuedAt: now, expiresAt: now + 7200 });
    expect(verifyAgencyLogin({ ...base, signed: long })).toEqual({ valid: false, reason: "tooLong" });
    const tampered = { ...login, message: { ...login.message, expiresAt: String(now + 1000) } };
    expect(verifyAgencyLogin({ ...base, signed: tampered })).toEqual({ valid: false, reason: "badSignature" });
  });
});
