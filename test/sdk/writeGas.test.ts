// Writes with an explicit gas limit (WriteOptions.gas): one eth_call at that limit instead of an
// estimate, the estimate only when that run fails, and a refusal still named before a nonce is used.
import { beforeAll, describe, expect, test } from "vitest";
import { ContractRevertError, createImiClient, eip1193Transport, purposeCode, scopesOf, type GrantRequest, type Hex, type Transport } from "@imi-ledger/sdk";
import { caught, sdkFixture, type SdkFixture } from "./fixture.js";

let fx: SdkFixture;
beforeAll(async () => {
  fx = await sdkFixture();
});

/** The fixture's chain, with every JSON-RPC method a client asks for written down. */
function countingClient() {
  const inner = eip1193Transport(fx.connection.provider as never);
  const methods: string[] = [];
  const transport: Transport = {
    kind: "transport",
    request<T>(method: string, params?: unknown[]) {
      methods.push(method);
      return inner.request<T>(method, params);
    },
  };
  return { client: createImiClient({ rpc: transport, deployment: fx.deployment, account: fx.accountOf(fx.accounts.gateway) }), methods };
}

async function signedGrant() {
  const { citizen, key } = await fx.registerCitizen();
  const now = await fx.now();
  const request: GrantRequest = {
    citizen,
    agency: fx.accounts.agency.address as Hex,
    scopes: scopesOf([2]),
    purpose: purposeCode("housing-benefit"),
    validFrom: now,
    validUntil: now + 86_400,
    maxUses: 0,
  };
  const { authorization } = await fx.clientFor(key).consent.signGrant({ request });
  return { request, authorization, citizen };
}

const gasOf = async (hash: Hex) => BigInt((await fx.connection.provider.request({ method: "eth_getTransactionByHash", params: [hash] }) as { gas: string }).gas);
const relayerNonce = () => fx.ethers.provider.getTransactionCount(fx.accounts.gateway.address);

describe("writeContract with an explicit gas limit", () => {
  test("sends with exactly that limit after one eth_call, and never estimates", async () => {
    const { client, methods } = countingClient();
    const { request, authorization } = await signedGrant();
    methods.length = 0;
    const out = await client.consent.grant({ request, authorization, gas: 400_000n });
    expect(methods).not.toContain("eth_estimateGas");
    expect(methods.filter((m) => m === "eth_call")).toHaveLength(1);
    expect(await gasOf(out.hash)).toBe(400_000n);
    expect(out.consentId).toMatch(/^0x[0-9a-f]{64}$/);
  });

  test("a limit too low for the call is replaced by the estimate, and the write succeeds", async () => {
    const { client, methods } = countingClient();
    const { request, authorization } = await signedGrant();
    methods.length = 0;
    const out = await client.consent.grant({ request, authorization, gas: 60_000n });
    expect(methods).toContain("eth_estimateGas");
    expect(await gasOf(out.hash)).toBeGreaterThan(60_000n);
  });

  test("a call that reverts at that limit answers the contract's named error and uses no nonce", async () => {
    const { client } = countingClient();
    const { request, authorization } = await signedGrant();
    await client.consent.grant({ request, authorization, gas: 400_000n });
    const before = await relayerNonce();
    // The same signature again: its nonce is used, so the contract refuses it.
    const error = await caught(() => client.consent.grant({ request, authorization, gas: 400_000n }));
    expect(error).toBeInstanceOf(ContractRevertError);
    expect((error as ContractRevertError).errorName).toBe("ImiSignedInvalidSignature");
    expect(await relayerNonce()).toBe(before);
  });

  test("a gas limit that is not a positive 64-bit integer is refused before anything is sent", async () => {
    const { client, methods } = countingClient();
    const { request, authorization } = await signedGrant();
    const before = await relayerNonce();
    methods.length = 0;
    for (const gas of [0n, -1n, 2n ** 64n]) expect(await caught(() => client.consent.grant({ request, authorization, gas }))).toMatchObject({ code: "INVALID_NUMBER" });
    expect(methods).not.toContain("eth_sendRawTransaction");
    expect(await relayerNonce()).toBe(before);
  });
});
