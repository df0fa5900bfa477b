// The services component's durable state, a LevelDB of its own under <dataDir>/services:
//   m:cursor         last block whose life events are turned into jobs
//   m:successor      after a chain move, the chain that continues the retired one: m:cursor counts its blocks
//   j:<jobId>        one job: one rule for one anchored life-event credential (jobId = keccak(credential ‖ rule))
//   c:<citizen>:<jobId>  the citizen's jobs, for their "you received" list
// Jobs are created in the same synced batch that moves the cursor, and a jobId that exists is never
// created again: a replayed or re-read event opens nothing twice. Every state change is synced
// before it is acted on or reported.
import { Level } from "level";
import { storeOptions } from "../storage/levelOptions.js";
import type { Delivery, PredicateRule } from "./rules.js";
import { NodeError } from "../NodeError.js";

export type JobState =
  /** Waiting for its (next) attempt. */
  | "pending"
  /** Delivery prepared and about to be (or being) executed; a restart finishes it, never repeats it. */
  | "delivering"
  | "delivered"
  /** No standing consent (or one that does not cover the check): the citizen is offered the service. */
  | "offered"
  /** A predicate came out otherwise than the rule needs. */
  | "ineligible"
  /** The last attempt failed (gateway or chain down); retried at nextAttemptAt. */
  | "failed"
  | "declined";

export type EligibilityCheck = { predicate: PredicateRule; result: boolean | null; code: string; seq?: number; recordHash?: string };

export type DeliveredThing =
  | { kind: "credential"; schemaId: string; credentialHash: string; validUntil: number; document: unknown }
  | { kind: "payment"; amountFen: number; account: string; recurring: string; instructionId: string }
  | { kind: "registration"; step: string; registrationId: string };

export type ServiceJob = {
  id: string;
  rule: string;
  citizen: string;
  /** The life-event credential that opened the job, and where it was anchored. */
  event: { credentialHash: string; schemaId: string; schema: string; issuer: string; block: number; txHash: string };
  state: JobState;
  attempts: number;
  createdAt: number;
  updatedAt: number;
  nextAttemptAt?: number;
  lastError?: { code: string; message: string };
  /** Why an offer rather than a delivery (the gateway's refusal code), or why ineligible. */
  reason?: string;
  /** The consent the checks ran under. */
  grantId?: string;
  checks: EligibilityCheck[];
  /** What the rule said to deliver, copied when the job was opened (a later rule change does not alter it). */
  plan: Delivery;
  delivered?: DeliveredThing;
  /** The access log's last seq when the delivery was prepared: a resumed delivery looks after it for its own record. */
  logFrom?: number;
  /** The access record of the delivery (kind "service"). */
  receipt?: { seq: number; recordHash: string };
  deliveredAt?: number;
  declinedAt?: number;
  /** The access record of the citizen's decline. */
  declineReceipt?: { seq: number; recordHash: string };
};

export type NewJob = Pick<ServiceJob, "id" | "rule" | "citizen" | "event" | "plan">;

export class ServicesStore {
  private constructor(private readonly db: Level<string, string>) {}

  static async open(dir: string, options: { createIfMissing?: boolean } = {}): Promise<ServicesStore> {
    const db = new Level<string, string>(dir, storeOptions({ valueEncoding: "utf8" }));
    try {
      await db.open({ createIfMissing: options.createIfMissing ?? true });
    } catch (cause) {
      throw new NodeError("SERVICES_STORE_UNAVAILABLE", "The services store cannot be opened (is another node using this data directory?).", { cause });
    }
    return new ServicesStore(db);
  }

  async cursor(): Promise<number | undefined> {
    const v = await this.db.get("m:cursor");
    return v === undefined ? undefined : Number(v);
  }

  /** The cursor and, after a chain move, the chain it counts blocks on (retiredChain.ts). */
  async position(): Promise<{ cursor: number | undefined; successorChainId: number | undefined }> {
    const [cursor, successor] = await this.db.getMany(["m:cursor", "m:successor"]);
    return { cursor: cursor === undefined ? undefined : Number(cursor), successorChainId: successor === undefined ? undefined : Number(successor) };
  }

  async job(id: string): Promise<ServiceJob | undefined> {
    const v = await this.db.get(`j:${id.toLowerCase()}`);
    return v === undefined ? undefined : (JSON.parse(v) as ServiceJob);
  }

  /**
   * Opens the jobs not opened before and moves the cursor, in one synced batch. Returns the jobs
   * opened now. `successorChainId`: the last jobs read from a retired chain; the cursor now counts
   * that chain's blocks.
   */
  async openJobs(jobs: NewJob[], cursor: number, now: number, successorChainId?: number): Promise<ServiceJob[]> {
    const opened: ServiceJob[] = [];
    const ops: Array<{ type: "put"; key: string; value: string }> = [];
    const seen = new Set<string>();
    for (const j of jobs) {
      const id = j.id.toLowerCase();
      if (seen.has(id) || (await this.db.get(`j:${id}`)) !== undefined) continue;
      seen.add(id);
      const job: ServiceJob = { ...j, id, citizen: j.citizen.toLowerCase(), state: "pending", attempts: 0, createdAt: now, updatedAt: now, nextAttemptAt: now, checks: [] };
      opened.push(job);
      ops.push({ type: "put", key: `j:${id}`, value: JSON.stringify(job) }, { type: "put", key: `c:${job.citizen}:${id}`, value: "" });
    }
    ops.push({ type: "put", key: "m:cursor", value: String(cursor) });
    if (successorChainId !== undefined) ops.push({ type: "put", key: "m:successor", value: String(successorChainId) });
    await this.db.batch(ops, { sync: true });
    return opened;
  }

  async save(job: ServiceJob): Promise<void> {
    await this.db.put(`j:${job.id}`, JSON.stringify(job), { sync: true });
  }

  async all(filter: { state?: JobState; citizen?: string } = {}): Promise<ServiceJob[]> {
    const out: ServiceJob[] = [];
    if (filter.citizen) {
      const prefix = `c:${filter.citizen.toLowerCase()}:`;
      for await (const key of this.db.keys({ gte: prefix, lt: `${prefix}~` })) {
        const job = await this.job(key.slice(prefix.length));
        if (job && (!filter.state || job.state === filter.state)) out.push(job);
      }
    } else {
      for await (const value of this.db.values({ gte: "j:", lt: "j:~" })) {
        const job = JSON.parse(value) as ServiceJob;
        if (!filter.state || job.state === filter.state) out.push(job);
      }
    }
    return out.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
