// bench:district's consent stage (docs/scale.md): citizens grant an agency consent by signature
// (EIP-712 Grant, the SDK's grantTypedData signed with each citizen's own key) and the gateway
// relays each one (POST /v1/consents through the SDK's gateway client), answering once the grant
// is in a block and in its index.
//
// Signed ahead of the clock: a chunk of grants is signed, then the clock runs while the chunk is
// relayed, so grants/s is the relay's rate (gateway + chain + index) and the signing rate is its
// own figure. A chunk, not the whole run, so a million signed bodies never sit in memory.
//
// The citizens' keys are derived from a seed (keccak256(seed ‖ i)), so the CSV the onboarding
// imports and the signatures here name the same keys without holding a million of them.
import { readFile } from "node:fs/promises";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { createGatewayClient, grantTypedData, normalizeGrantRequest, privateKeyToAccount, purposeCode } from "@imi-ledger/sdk";
import type { Address, Hex, ImiClient, LocalAccount } from "@imi-ledger/sdk";
import { scopes as parseScopes } from "../cli/internal/parse.js";

const hex = (b: Uint8Array): Hex => `0x${Buffer.from(b).toString("hex")}` as Hex;

/** The i-th keyed citizen of a run: its key and its citizen id, both from the run's seed. */
export function keyedCitizen(seed: Uint8Array, i: number): { account: LocalAccount; citizen: Hex } {
  const input = new Uint8Array(seed.length + 5);
  input.set(seed, 0);
  new DataView(input.buffer).setUint32(seed.length, i);
  const key = keccak_256(input);
  input[seed.length + 4] = 1;
  return { account: privateKeyToAccount(hex(key)), citizen: hex(keccak_256(input)) };
}

export type ConsentStageOptions = {
  client: ImiClient;
  gatewayUrl: string;
  seed: Uint8Array;
  /** Citizens whose keys come from the seed (the first rows the onboarding registered). */
  keyedCitizens: number;
  consents: number;
  agency: Address;
  purpose: string;
  /** Category names, e.g. "address". */
  scopes: string;
  /** Grants relayed at once. */
  inFlight: number;
  chunk: number;
  onChunk?: (done: number) => void;
  /** The node's process: its CPU time while relaying is printed per grant (the cores are shared, so wall-clock rates move with other work). */
  nodePid?: number;
};

export type ConsentStageResult = {
  consents: number;
  granted: number;
  refused: Record<string, number>;
  retries: Record<string, number>;
  late_answers: Record<string, number>;
  relay_seconds: number;
  grants_per_s: number;
  sign_seconds: number;
  signatures_per_s: number;
  in_flight: number;
  signing: string;
  p50_ms: number;
  p99_ms: number;
  /** The node's CPU time (user + system) while relaying, over the grants relayed. */
  node_cpu_ms_per_grant?: number;
};

/** A process's CPU time so far (user + system), from /proc; undefined where there is none. */
export async function cpuMs(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
/** USER_HZ: 100 on Linux for every architecture this runs on. */
const CLOCK_TICKS = 100;

export async function runConsentStage(o: ConsentStageOptions): Promise<ConsentStageResult> {
  const gateway = createGatewayClient({ url: o.gatewayUrl });
  const chainNow = BigInt(Number(BigInt((await o.client.request<{ timestamp: string }>("eth_getBlockByNumber", ["latest", false])).timestamp)));
  const deadline = chainNow + 7n * 86_400n;
  const purpose = purposeCode(o.purpose);
  const scopes = parseScopes(o.scopes);
  const base = { agency: o.agency, scopes, purpose, validFrom: chainNow, validUntil: chainNow + 365n * 86_400n, maxUses: 0 };
  const chainId = o.client.chainId;
  const verifyingContract = o.client.deployment.contracts.consentRegistry as Address;
  const refused: Record<string, number> = {};
  /** Sent again after a "not now" that had not landed, by code. */
  const retries: Record<string, number> = {};
  /** Landed although the answer was a "not now", by code (found by the citizen's nonce). */
  const lateAnswers: Record<string, number> = {};
  const latencies = new Float64Array(o.consents);
  let granted = 0;
  let signSeconds = 0;
  let relaySeconds = 0;
  let nodeCpuMs: number | undefined = 0;

  for (let from = 0; from < o.consents; from += o.chunk) {
    const to = Math.min(o.consents, from + o.chunk);
    let t = performance.now();
    const signed = [];
    for (let c = from; c < to; c++) {
      // Citizen c mod K, its (c div K)-th grant: the nonce the ConsentRegistry will expect.
      const { account, citizen } = keyedCitizen(o.seed, c % o.keyedCitizens);
      const request = normalizeGrantRequest({ ...base, citizen });
      const signature = account.signTypedData(grantTypedData({ chainId, verifyingContract, request, nonce: BigInt(Math.floor(c / o.keyedCitizens)), deadline }));
      signed.push({ request, authorization: { signer: account.address, deadline, signature } });
    }
    signSeconds += (performance.now() - t) / 1000;

    // Relayed in order with a window: grant c starts only once grant c - inFlight has its answer,
    // so a citizen's next nonce (K grants later, K ≥ inFlight) never overtakes the one before.
    t = performance.now();
    const cpuBefore = await cpuMs(o.nodePid);
    const window: Array<Promise<void>> = [];
    for (let k = 0; k < signed.length; k++) {
      const c = from + k;
      const begun = performance.now();
      const grant = signed[k]!;
      const nonce = BigInt(Math.floor(c / o.keyedCitizens));
      window.push(
        (async () => {
          for (let attempt = 0; ; attempt++) {
            try {
              await gateway.relayGrantConsent(grant);
              granted++;
              break;
            } catch (error) {
              const code = (error as { code?: string }).code ?? "ERROR";
              // "Not now" (the index behind, the chain busy, the connection cut while waiting):
              // the grant may have landed all the same; the citizen's nonce says whether it did.
              const notNow = code === "NETWORK" || code === "INDEX_BEHIND" || code === "CHAIN_UNAVAILABLE" || code === "RATE_LIMITED";
              const landed = notNow && (await o.client.signing.getNonce({ contract: "consentRegistry", signer: grant.authorization.signer }).catch(() => 0n)) > nonce;
              if (landed) {
                granted++;
                lateAnswers[code] = (lateAnswers[code] ?? 0) + 1;
                break;
              }
              if (!notNow || attempt >= 5) {
                refused[code] = (refused[code] ?? 0) + 1;
                break;
              }
              retries[code] = (retries[code] ?? 0) + 1;
              await new Promise((done) => setTimeout(done, 1_000));
            }
          }
          latencies[c] = performance.now() - begun;
        })(),
      );
      if (window.length >= o.inFlight) await window.shift();
    }
    await Promise.all(window);
    relaySeconds += (performance.now() - t) / 1000;
    const cpuAfter = await cpuMs(o.nodePid);
    nodeCpuMs = nodeCpuMs !== undefined && cpuBefore !== undefined && cpuAfter !== undefined ? nodeCpuMs + cpuAfter - cpuBefore : undefined;
    o.onChunk?.(to);
  }
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  return {
    consents: o.consents,
    granted,
    refused,
    retries,
    late_answers: lateAnswers,
    relay_seconds: Number(relaySeconds.toFixed(1)),
    grants_per_s: Math.round(granted / relaySeconds),
    sign_seconds: Number(signSeconds.toFixed(1)),
    signatures_per_s: Math.round(o.consents / signSeconds),
    in_flight: o.inFlight,
    signing: `ahead of the clock, in chunks of ${o.chunk.toLocaleString("en")}`,
    p50_ms: at(0.5),
    p99_ms: at(0.99),
    ...(nodeCpuMs !== undefined && o.nodePid !== undefined && granted > 0 ? { node_cpu_ms_per_grant: Number((nodeCpuMs / granted).toFixed(1)) } : {}),
  };
}
