import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  ChainMismatchError,
  NetworkError,
  createImiClient as createBrowserClient,
  jsonRpcAccount,
  parseDeployment,
  purposeCode,
  randomBytes32,
  type Hex,
} from "@imi-ledger/sdk";
import { createImiClient, loadDeployment } from "@imi-ledger/sdk";
import { freePort } from "../helpers/hardhatNode.js";
import { caught, sdkFixture, serveOverHttp, type SdkFixture } from "./fixture.js";

let fx: SdkFixture;
let http: Awaited<ReturnType<typeof serveOverHttp>>;
let url: string;
beforeAll(async () => {
  fx = await sdkFixture();
  http = await serveOverHttp(fx.rpc);
  url = http.url;
});
afterAll(() => http?.close());

describe("deployments", () => {
  test("Ignition's deployment directory (addresses + journal chain id) and manifest file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "imi-sdk-"));
    const manifest: Record<string, string> = {
      "Imi#ImiBootstrap": "0x0000000000000000000000000000000000000001",
      "Imi#ImiAccessManager": fx.deployment.contracts.accessManager!,
      "Imi#IdentityRegistry": fx.deployment.contracts.identityRegistry,
      "Imi#CredentialRegistry": fx.deployment.contracts.credentialRegistry,
      "Imi#ConsentRegistry": fx.deployment.contracts.consentRegistry,
      "Imi#AccessLog": fx.deployment.contracts.accessLog,
      "Imi#AccountRules": fx.deployment.contracts.accountRules!,
      "Imi#AgencyRegistry": fx.deployment.contracts.agencyRegistry!,
    };
    writeFileSync(join(dir, "deployed_addresses.json"), JSON.stringify(manifest));
    writeFileSync(join(dir, "journal.jsonl"), `{"chainId":${fx.deployment.chainId},"type":"DEPLOYMENT_INITIALIZE"}\n`);
    expect(loadDeployment(dir)).toEqual(fx.deployment);
    expect(loadDeployment(join(dir, "deployed_addresses.json"))).toEqual(fx.deployment);

    const client = createImiClient({ rpc: url, deployment: dir });
    const { citizen } = await fx.registerCitizen();
    expect((await client.identity.get({ citizen })).status).toBe("active");

    // A plain { chainId, contracts } object, in the browser entry too.
    expect(parseDeployment({ chainId: fx.deployment.chainId, contracts: manifest })).toEqual(fx.deployment);
    expect(createBrowserClient({ rpc: url, deployment: { chainId: fx.deployment.chainId, ...manifest } }).deployment).toEqual(fx.deployment);
  });

  test("incomplete deployments are refused with INVALID_DEPLOYMENT", async () => {
    const dir = mkdtempSync(join(tmpdir(), "imi-sdk-"));
    writeFileSync(join(dir, "deployed_addresses.json"), JSON.stringify({ "Imi#IdentityRegistry": fx.deployment.contracts.identityRegistry }));
    expect(await caught(() => loadDeployment(dir))).toMatchObject({ code: "INVALID_DEPLOYMENT" });
    expect(await caught(() => loadDeployment(join(dir, "missing")))).toMatchObject({ code: "INVALID_DEPLOYMENT" });
    expect(await caught(() => parseDeployment({ contracts: {} } as never))).toMatchObject({ code: "INVALID_DEPLOYMENT" });
    expect(await caught(() => parseDeployment({ ...fx.deployment, contracts: { ...fx.deployment.contracts, accessLog: "0x12" as Hex } }))).toMatchObject({
      code: "INVALID_ADDRESS",
    });
  });
});

describe("transports and failures", () => {
  test("a deployment for another chain fails with CHAIN_MISMATCH before any call", async () => {
    const client = createBrowserClient({ rpc: fx.rpc, deployment: { ...fx.deployment, chainId: 1 } });
    const error = await caught(() => client.identity.get({ citizen: randomBytes32() }));
    expect(error).toBeInstanceOf(ChainMismatchError);
    expect(error.code).toBe("CHAIN_MISMATCH");
  });

  test("an unreachable endpoint is a NETWORK error, not a rejection", async () => {
    const port = await freePort();
    const client = createBrowserClient({ rpc: `http://127.0.0.1:${port}`, deployment: fx.deployment });
    const error = await caught(() => client.identity.get({ citizen: randomBytes32() }));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.code).toBe("NETWORK");
  });

  test("the node refusing a transaction (no funds) is TX_REJECTED", async () => {
    const broke = fx.freshAccount();
    const client = fx.clientFor(broke);
    expect(await caught(() => client.signing.bumpNonce({ contract: "consentRegistry" }))).toMatchObject({ code: "TX_REJECTED" });
  });

  test("writes over HTTP: a contract revert is decoded from the JSON-RPC error data", async () => {
    const client = createBrowserClient({ rpc: url, deployment: fx.deployment, account: fx.accountOf(fx.accounts.registrar) });
    const { citizen, key } = await fx.registerCitizen();
    const error = await caught(() => client.identity.register({ citizen, controller: key.address, commitment: randomBytes32(), level: 1 }));
    expect(error).toMatchObject({ code: "CONTRACT_REVERT", errorName: "IdentityRegistryAlreadyRegistered", args: { citizen } });
  });
});

describe("concurrency", () => {
  test("40 transactions from one account in flight at once: no nonce collisions", async () => {
    const issuer = createBrowserClient({ rpc: url, deployment: fx.deployment, account: fx.accountOf(fx.accounts.issuer) });
    const { schemaId } = await fx.clients.governor.credentials.registerSchema({ schemaId: randomBytes32(), name: "permit", version: "1" });
    await fx.clients.governor.credentials.setIssuerTrust({ schemaId, issuer: issuer.account!.address, trusted: true });
    const hashes = Array.from({ length: 40 }, () => randomBytes32());
    const results = await Promise.all(hashes.map((credentialHash) => issuer.credentials.anchor({ credentialHash, schemaId })));
    expect(new Set(results.map((r) => r.hash)).size).toBe(40);
    const statuses = await Promise.all(hashes.map((credentialHash) => fx.clients.reader.credentials.status({ credentialHash })));
    expect(statuses.every((s) => s === "valid")).toBe(true);
  });

  test("after a refused send the next transaction still goes through", async () => {
    const { citizen, client } = await fx.registerCitizen();
    await caught(() => client.consent.pause({ consentId: randomBytes32() }));
    const { consentId } = await client.consent.grant({
      request: {
        citizen,
        agency: fx.accounts.agency.address as Hex,
        scopes: 1n,
        purpose: purposeCode("x"),
        validFrom: 0,
        validUntil: (await fx.now()) + 1000,
      },
    });
    expect((await client.consent.pause({ consentId })).status).toBe("paused");
  });
});

describe("JSON-RPC accounts (keys held by the node or a browser wallet)", () => {
  test("sends with eth_sendTransaction and signs typed data with eth_signTypedData_v4", async () => {
    const registrar = createBrowserClient({ rpc: fx.rpc, deployment: fx.deployment, account: jsonRpcAccount(fx.accounts.registrar.address as Hex) });
    const walletAddress = fx.accounts.others[0].address as Hex;
    const citizen = randomBytes32();
    await registrar.identity.register({ citizen, controller: walletAddress, commitment: randomBytes32(), level: 2 });

    const wallet = createBrowserClient({ rpc: fx.rpc, deployment: fx.deployment, account: jsonRpcAccount(walletAddress) });
    const request = {
      citizen,
      agency: fx.accounts.agency.address as Hex,
      scopes: 4n,
      purpose: purposeCode("housing"),
      validFrom: 0,
      validUntil: (await fx.now()) + 1000,
    };
    const { authorization } = await wallet.consent.signGrant({ request });
    const { consentId } = await fx.clients.gateway.consent.grant({ request, authorization });
    expect((await fx.clients.reader.consent.get({ consentId })).grantedBy).toBe(walletAddress);

    // The same wallet proves "I am me" to a verifier.
    const challenge = randomBytes32();
    const proof = await wallet.identity.prove({ citizen, audience: "clinic", challenge });
    expect(await fx.clients.reader.identity.verifyProof({ proof, challenge, audience: "clinic" })).toEqual({ valid: true, citizen, level: 2 });
  });
});

describe("the chain's allowlist", () => {
  test("the governor allows and disallows accounts", async () => {
    const [one, two] = [fx.freshAccount().address, fx.freshAccount().address];
    await fx.clients.governor.accountRules.setAllowed({ accounts: [one, two], allowed: true });
    expect(await fx.clients.reader.accountRules.isAllowed({ address: one })).toBe(true);
    await fx.clients.governor.accountRules.setAllowed({ accounts: [one], allowed: false });
    expect(await fx.clients.reader.accountRules.isAllowed({ address: one })).toBe(false);
    expect(await fx.clients.reader.accountRules.isAllowed({ address: two })).toBe(true);
    expect(await caught(() => fx.clients.registrar.accountRules.setAllowed({ accounts: [one], allowed: true }))).toMatchObject({
      errorName: "AccessManagedUnauthorized",
    });
  });
});

describe("two clients for one key", () => {
  test("a nonce used behind the client's back is re-read from the node and the send retried", async () => {
    const key = await fx.fundedAccount();
    const first = fx.clientFor(key);
    const second = fx.clientFor(key);
    await first.signing.bumpNonce({ contract: "consentRegistry" }); // first now counts nonce 1 next
    await second.signing.bumpNonce({ contract: "consentRegistry" }); // uses nonce 1 behind first's back
    const { newNonce } = await first.signing.bumpNonce({ contract: "consentRegistry" });
    expect(newNonce).toBe(3n);
  });
});

describe("wallet and receipt failures", () => {
  // The real chain behind a provider that behaves like a wallet whose user says no, or like a
  // node that never mines: the two failures this machine has no real source for.
  test("a wallet declining to sign (EIP-1193 code 4001) is USER_REJECTED", async () => {
    const declining = {
      request: async (args: { method: string; params?: unknown[] }) => {
        if (args.method === "eth_signTypedData_v4") throw Object.assign(new Error("User rejected the request."), { code: 4001 });
        return fx.rpc.request(args as never);
      },
    };
    const { citizen } = await fx.registerCitizen();
    const wallet = createBrowserClient({ rpc: declining, deployment: fx.deployment, account: jsonRpcAccount(fx.accounts.others[1].address as Hex) });
    const error = await caught(() => wallet.consent.signRevoke({ consentId: citizen }));
    expect(error).toMatchObject({ code: "USER_REJECTED" });
  });

  test("no receipt within receiptTimeoutMs is TIMEOUT", async () => {
    const neverMined = {
      request: async (args: { method: string; params?: unknown[] }) =>
        args.method === "eth_getTransactionReceipt" ? null : fx.rpc.request(args as never),
    };
    const client = createBrowserClient({ rpc: neverMined, deployment: fx.deployment, account: await fx.fundedAccount(), receiptTimeoutMs: 100 });
    expect(await caught(() => client.signing.bumpNonce({ contract: "identityRegistry" }))).toMatchObject({ code: "TIMEOUT" });
  });
});
