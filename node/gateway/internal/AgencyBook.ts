// What each agency registered (AgencyRegistry), followed from the contract's events into memory:
// the gateway refuses an access beyond it and names agencies and purposes from it (GET
// /v1/directory). Registrations are few (one per agency, a handful of purposes each), so they are
// kept in memory and read again from the chain's logs at start, not stored in the index.
import { Interface } from "ethers";
import { agencyRegistryAbi, type Transport } from "@imi-ledger/sdk";
import { NodeError } from "../../NodeError.js";

type RpcLog = { topics: string[]; data: string; blockNumber: string };
type Localized = { "zh-CN": string; en: string };

/** A retired chain's JSON-RPC and the deployment's blocks on it (node/runtime/migration.ts). */
export type ChainHistory = { rpc: Transport; fromBlock: number; toBlock: number };

export type AgencyEntry = { agency: string; name: Localized; contact: string; legalBasis: Localized; profileHash: string };
export type PurposeEntry = { agency: string; purpose: string; scopes: bigint; name: Localized };

const iface = new Interface(agencyRegistryAbi as never);
const TOPICS = [iface.getEvent("AgencyRegistered")!.topicHash, iface.getEvent("AgencyPurposeDeclared")!.topicHash];

export class AgencyBook {
  private readonly agencies = new Map<string, AgencyEntry>();
  /** `${agency}:${purpose}` → the declaration as it stands (scopes 0: withdrawn). */
  private readonly purposes = new Map<string, PurposeEntry>();
  /** The last block whose logs are applied. */
  private applied: number;
  private running: Promise<void> | undefined;

  /** After a migration: the registrations made on the retired chain, read once before the network's own. */
  private history: ChainHistory | undefined;

  constructor(
    private readonly rpc: Transport,
    private readonly address: string,
    fromBlock: number,
    private readonly maxBlockRange = 10_000,
    history?: ChainHistory,
  ) {
    this.applied = fromBlock - 1;
    this.history = history;
  }

  /** Applies the registry's logs up to `block` (at least). Rejects with CHAIN_UNREACHABLE when the chain does not answer. */
  async syncTo(block: number): Promise<void> {
    while (this.applied < block) {
      // One reader at a time: a second caller waits for the running catch-up, then checks again.
      if (this.running) {
        await this.running;
        continue;
      }
      this.running = this.read(block).finally(() => (this.running = undefined));
      await this.running;
    }
  }

  private async read(block: number): Promise<void> {
    if (this.history) {
      const { rpc, fromBlock, toBlock } = this.history;
      for (let from = fromBlock; from <= toBlock; from += this.maxBlockRange) for (const log of await this.logs(rpc, from, Math.min(toBlock, from + this.maxBlockRange - 1))) this.apply(log);
      this.history = undefined;
    }
    while (this.applied < block) {
      const from = this.applied + 1;
      const to = Math.min(block, from + this.maxBlockRange - 1);
      for (const log of await this.logs(this.rpc, from, to)) this.apply(log);
      this.applied = to;
    }
  }

  private async logs(rpc: Transport, from: number, to: number): Promise<RpcLog[]> {
    try {
      return await rpc.request<RpcLog[]>("eth_getLogs", [{ address: this.address, topics: [TOPICS], fromBlock: `0x${from.toString(16)}`, toBlock: `0x${to.toString(16)}` }]);
    } catch (cause) {
      throw new NodeError("CHAIN_UNREACHABLE", "The chain did not answer eth_getLogs for the agency registry.", { cause });
    }
  }

  private apply(log: RpcLog): void {
    const parsed = iface.parseLog({ topics: log.topics, data: log.data });
    if (!parsed) return;
    const a = parsed.args;
    const agency = String(a.agency).toLowerCase();
    if (parsed.name === "AgencyRegistered") {
      const p = a.profile;
      this.agencies.set(agency, {
        agency,
        name: { "zh-CN": p.nameZh, en: p.nameEn },
        contact: p.contact,
        legalBasis: { "zh-CN": p.legalBasisZh, en: p.legalBasisEn },
        profileHash: String(a.profileHash).toLowerCase(),
      });
    } else if (parsed.name === "AgencyPurposeDeclared") {
      const purpose = String(a.purpose).toLowerCase();
      this.purposes.set(`${agency}:${purpose}`, { agency, purpose, scopes: BigInt(a.scopes), name: { "zh-CN": a.nameZh, en: a.nameEn } });
    }
  }

  /** The categories of `scopes` that `agency` did not register for `purpose`, as AgencyRegistry.excessScopes answers. */
  excess(agency: string, purpose: string, scopes: bigint): bigint {
    return scopes & ~(this.purposes.get(`${agency.toLowerCase()}:${purpose.toLowerCase()}`)?.scopes ?? 0n);
  }

  agency(agency: string): AgencyEntry | undefined {
    return this.agencies.get(agency.toLowerCase());
  }

  /** The purposes an agency declares now (withdrawn ones left out). */
  purposesOf(agency: string): PurposeEntry[] {
    const a = agency.toLowerCase();
    return [...this.purposes.values()].filter((p) => p.agency === a && p.scopes !== 0n);
  }

  /** Every registered agency and every declared purpose, for the directory. */
  entries(): { agencies: AgencyEntry[]; purposes: PurposeEntry[] } {
    return { agencies: [...this.agencies.values()], purposes: [...this.purposes.values()].filter((p) => p.scopes !== 0n) };
  }
}
