// A client given onBlock asks for a write's receipt when it hears of a block, not on the polling
// schedule (which is set to a minute here, so a write that waited for it would outlast the test).
import { beforeAll, describe, expect, test } from "vitest";
import { createImiClient, eip1193Transport, purposeCode, scopesOf, type Hex, type Transport } from "@imi-ledger/sdk";
import { sdkFixture, type SdkFixture } from "./fixture.js";

let fx: SdkFixture;
beforeAll(async () => {
  fx = await sdkFixture();
});

/** A client whose blocks are announced by the test: `when` says at which point of a send. */
function announcingClient(when: "during the send" | "after the send") {
  const inner = eip1193Transport(fx.connection.provider as never);
  const listeners = new Set<() => void>();
  const events: string[] = [];
  const transport: Transport = {
    kind: "transport",
    async request<T>(method: string, params?: unknown[]) {
      if (method === "eth_getTransactionReceipt") events.push("receipt asked");
      const out = await inner.request<T>(method, params);
      if (method === "eth_sendRawTransaction") {
        const announce = () => {
          events.push("block");
          listeners.forEach((l) => l());
        };
        if (when === "during the send") announce();
        else setTimeout(announce, 20);
      }
      return out;
    },
  };
  const onBlock = (listener: () => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  const client = createImiClient({ rpc: transport, deployment: fx.deployment, account: fx.accountOf(fx.accounts.gateway), pollingIntervalMs: 60_000, onBlock });
  return { client, listeners, events };
}

async function signedGrant() {
  const { citizen, key } = await fx.registerCitizen();
  const now = await fx.now();
  const request = { citizen, agency: fx.accounts.agency.address as Hex, scopes: scopesOf([2]), purpose: purposeCode("housing-benefit"), validFrom: now, validUntil: now + 86_400, maxUses: 0 };
  return { request, authorization: (await fx.clientFor(key).consent.signGrant({ request })).authorization };
}

describe("write receipts with onBlock", () => {
  for (const when of ["after the send", "during the send"] as const)
    test(`asks for the receipt once, at the block heard ${when}, and stops listening`, { timeout: 15_000 }, async () => {
      const { client, listeners, events } = announcingClient(when);
      const grant = await signedGrant();
      events.length = 0;
      const out = await client.consent.grant({ ...grant, gas: 400_000n });
      expect(out.consentId).toMatch(/^0x[0-9a-f]{64}$/);
      // Not asked at once (the receipt exists at once on this instant-mining network), nor again.
      expect(events).toEqual(["block", "receipt asked"]);
      expect(listeners.size).toBe(0);
    });
});
