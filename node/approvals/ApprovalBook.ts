// One-door supervision: a service application and every step of its approval -- received, each node
// approved or returned by which officer and when, an on-site inspection (inspector, time, place,
// hashes of the photographs), completed -- goes into the gateway's tamper-evident access log as a
// record of kind "approval" and is anchored with it. The step's details stay here, in a LevelDB of
// their own under <gateway dataDir>/approvals; the log record commits to them:
//
//   agency = the officer    citizen = the applicant   purpose = code(service)   grantId = application id
//   reason = the step (APPLICATION_RECEIVED, NODE_APPROVED, NODE_RETURNED, SITE_INSPECTED, APPLICATION_COMPLETED)
//   decision = denied for a return, else allowed
//   requestHash  = keccak256(canonical JSON of the step's details)
//   responseHash = the application's previous step's recordHash (zero for the first): each
//                  application's steps are a hash chain of their own inside the log
//
// Keys: a:<id> the application (with its steps), c:<citizen>:<id> the applicant's list.
// A step is appended to the log first (durable), then stored with its receipt (synced); a crash in
// between leaves a logged step whose details are missing, which verify() reports (it reads the
// application's records back from the log).
import { randomBytes } from "node:crypto";
import { Level } from "level";
import { storeOptions } from "../storage/levelOptions.js";
import { keccak256, toUtf8Bytes, ZeroHash } from "ethers";
import { canonicalJson, code } from "@imi-ledger/sdk";
import { NodeError } from "../NodeError.js";
import type { AccessLog } from "../accesslog/index.js";

export const APPROVAL_STEP_KINDS = ["received", "approved", "returned", "inspected", "completed"] as const;
export type ApprovalStepKind = (typeof APPROVAL_STEP_KINDS)[number];

/** The log reason of each step kind (at most 31 ASCII characters). */
export const APPROVAL_REASONS: Record<ApprovalStepKind, string> = {
  received: "APPLICATION_RECEIVED",
  approved: "NODE_APPROVED",
  returned: "NODE_RETURNED",
  inspected: "SITE_INSPECTED",
  completed: "APPLICATION_COMPLETED",
};

/** A node of the approval and how long it may take from the moment it opens. */
export type ApprovalNodePlan = { name: string; limitSeconds: number };

export type Inspection = { inspectedAt: number; place: string; photos: string[] };

export type ApprovalStep = {
  n: number;
  kind: ApprovalStepKind;
  /** The node the step concerns (all but "completed"; "received" names the node it opens). */
  node?: string;
  officer: string;
  /** When the step was recorded, unix ms. */
  at: number;
  note?: string;
  inspection?: Inspection;
  detailsHash: string;
  receipt?: { seq: number; recordHash: string };
};

export type ApplicationState = "in-progress" | "returned" | "completed";

export type Application = {
  id: string;
  applicant: string;
  service: string;
  nodes: ApprovalNodePlan[];
  state: ApplicationState;
  /** Index of the node being worked on (nodes.length once all are approved). */
  current: number;
  steps: ApprovalStep[];
};

export type NodeTiming = {
  name: string;
  limitSeconds: number;
  openedAt?: number;
  closedAt?: number;
  deadline?: number;
  status: "waiting" | "open" | "approved" | "returned";
  /** Open past its deadline (as of the time asked), or closed after it. */
  overdue: boolean;
};

const SLUG = /^[a-z][a-z0-9-]{0,63}$/;
const BYTES32 = /^0x[0-9a-f]{64}$/;
const SHA256 = /^0x[0-9a-fA-F]{64}$/;

function bad(code: string, message: string, details?: Record<string, unknown>): NodeError {
  return new NodeError(code, message, details ? { details } : undefined);
}

/** The canonical details a step's log record commits to (its requestHash). */
export function stepDetails(app: Pick<Application, "id" | "applicant" | "service">, step: Omit<ApprovalStep, "detailsHash" | "receipt">): Record<string, unknown> {
  return {
    application: app.id,
    applicant: app.applicant,
    service: app.service,
    n: step.n,
    kind: step.kind,
    ...(step.node !== undefined && { node: step.node }),
    officer: step.officer.toLowerCase(),
    at: step.at,
    ...(step.note !== undefined && { note: step.note }),
    ...(step.inspection !== undefined && { inspection: step.inspection }),
  };
}

export const detailsHashOf = (details: Record<string, unknown>): string => keccak256(toUtf8Bytes(canonicalJson(details)));

/** Each node's times and whether it ran past its limit, as of `asOf` (unix ms). */
export function timingOf(app: Application, asOf: number): NodeTiming[] {
  const out: NodeTiming[] = app.nodes.map((n) => ({ name: n.name, limitSeconds: n.limitSeconds, status: "waiting", overdue: false }));
  for (const step of app.steps) {
    const i = step.node === undefined ? -1 : app.nodes.findIndex((n) => n.name === step.node);
    if (step.kind === "received" && i >= 0) {
      out[i] = { ...out[i], openedAt: step.at, closedAt: undefined, deadline: step.at + app.nodes[i].limitSeconds * 1000, status: "open" };
    } else if ((step.kind === "approved" || step.kind === "returned") && i >= 0) {
      out[i] = { ...out[i], closedAt: step.at, status: step.kind };
      if (step.kind === "approved" && i + 1 < app.nodes.length) {
        out[i + 1] = { ...out[i + 1], openedAt: step.at, deadline: step.at + app.nodes[i + 1].limitSeconds * 1000, status: "open" };
      }
    }
  }
  for (const t of out) t.overdue = t.deadline !== undefined && (t.closedAt ?? asOf) > t.deadline;
  return out;
}

/** The applications and their steps; every step is a record in the access log. */
export class ApprovalBook {
  private readonly queues = new Map<string, Promise<unknown>>();

  private constructor(
    private readonly db: Level<string, string>,
    private readonly accessLog: AccessLog,
    private readonly now: () => number,
  ) {}

  static async open(options: { dir: string; accessLog: AccessLog; now?: () => number }): Promise<ApprovalBook> {
    const db = new Level<string, string>(options.dir, storeOptions({ valueEncoding: "utf8" }));
    try {
      await db.open();
    } catch (cause) {
      throw new NodeError("APPROVALS_UNAVAILABLE", "The approvals store cannot be opened (is another node using this data directory?).", { cause });
    }
    return new ApprovalBook(db, options.accessLog, options.now ?? Date.now);
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  /** One step at a time per application: steps are numbered and chained in order. */
  private serial<T>(id: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(id) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.queues.set(id, next);
    const done = () => {
      if (this.queues.get(id) === next) this.queues.delete(id);
    };
    // The caller gets the refusal; this bookkeeping branch must not leave a second, unhandled one.
    next.then(done, done);
    return next;
  }

  async get(id: string): Promise<Application | undefined> {
    const raw = await this.db.get(`a:${id.toLowerCase()}`).catch(() => undefined);
    return raw === undefined ? undefined : (JSON.parse(raw) as Application);
  }

  /** The applicant's applications, newest first. */
  async ofCitizen(citizen: string): Promise<Application[]> {
    const ids: string[] = [];
    const prefix = `c:${citizen.toLowerCase()}:`;
    for await (const key of this.db.keys({ gt: prefix, lt: `${prefix}~` })) ids.push(key.slice(prefix.length));
    const apps = (await Promise.all(ids.map((id) => this.get(id)))).filter((a): a is Application => a !== undefined);
    return apps.sort((a, b) => b.steps[0].at - a.steps[0].at);
  }

  /** Every application (up to `limit`), for the auditor's view. */
  async all(limit: number): Promise<Application[]> {
    const out: Application[] = [];
    for await (const value of this.db.values({ gt: "a:", lt: "a:~", limit })) out.push(JSON.parse(value) as Application);
    return out;
  }

  /** An officer receives an application: its nodes and their time limits are fixed now; the first node opens. */
  async receive(input: { officer: string; applicant: string; service: string; nodes: ApprovalNodePlan[] }): Promise<Application> {
    const applicant = input.applicant.toLowerCase();
    if (!BYTES32.test(applicant)) throw bad("INVALID_APPLICANT", "applicant: give the citizen id (32 bytes, 0x hex).");
    if (!SLUG.test(input.service)) throw bad("INVALID_SERVICE", "service: a short lower-case name (letters, digits, -).");
    if (!Array.isArray(input.nodes) || input.nodes.length === 0 || input.nodes.length > 20) throw bad("INVALID_NODES", "nodes: give 1 to 20 approval nodes.");
    const names = new Set<string>();
    for (const n of input.nodes) {
      if (!SLUG.test(n.name) || names.has(n.name)) throw bad("INVALID_NODES", `nodes: node names are distinct short lower-case names (${JSON.stringify(n.name)}).`);
      if (!Number.isSafeInteger(n.limitSeconds) || n.limitSeconds < 1 || n.limitSeconds > 366 * 24 * 3600) throw bad("INVALID_NODES", `nodes: ${n.name}'s limitSeconds must be 1 to a year.`);
      names.add(n.name);
    }
    const id = `0x${randomBytes(32).toString("hex")}`;
    const app: Application = { id, applicant, service: input.service, nodes: input.nodes.map((n) => ({ name: n.name, limitSeconds: n.limitSeconds })), state: "in-progress", current: 0, steps: [] };
    return this.serial(id, () => this.append(app, { kind: "received", node: app.nodes[0].name, officer: input.officer }));
  }

  /** A step on an application in progress (or a resubmission of a returned one: "received" again). */
  async step(input: { id: string; officer: string; kind: ApprovalStepKind; node?: string; note?: string; inspection?: Inspection }): Promise<Application> {
    return this.serial(input.id.toLowerCase(), async () => {
      const app = await this.get(input.id);
      if (!app) throw bad("APPLICATION_NOT_FOUND", "No application has this id.");
      if (input.note !== undefined && (typeof input.note !== "string" || input.note.length > 500)) throw bad("INVALID_STEP", "note: at most 500 characters.");
      const node = app.nodes[app.current]?.name;
      if (app.state === "completed") throw bad("APPLICATION_CLOSED", "The application is completed; nothing more can be recorded on it.");
      switch (input.kind) {
        case "received":
          if (app.state !== "returned") throw bad("INVALID_STEP", "Only a returned application is received again (resubmitted).", { state: app.state });
          return this.append({ ...app, state: "in-progress" }, { kind: "received", node, officer: input.officer, note: input.note });
        case "approved":
        case "returned":
          if (app.state !== "in-progress") throw bad("INVALID_STEP", `The application is ${app.state}; receive it again first.`, { state: app.state });
          if (node === undefined) throw bad("INVALID_STEP", "Every node is approved; complete the application.");
          if (input.node !== undefined && input.node !== node) throw bad("WRONG_NODE", `The open node is ${node}, not ${input.node}.`, { open: node });
          return this.append(
            input.kind === "approved" ? { ...app, current: app.current + 1 } : { ...app, state: "returned" },
            { kind: input.kind, node, officer: input.officer, note: input.note },
          );
        case "inspected": {
          if (app.state !== "in-progress" || node === undefined) throw bad("INVALID_STEP", "An inspection is recorded while a node is open.");
          if (input.node !== undefined && input.node !== node) throw bad("WRONG_NODE", `The open node is ${node}, not ${input.node}.`, { open: node });
          const i = input.inspection;
          const ok =
            i !== undefined && Number.isSafeInteger(i.inspectedAt) && i.inspectedAt > 0 && i.inspectedAt <= this.now() + 300_000 &&
            typeof i.place === "string" && i.place.length >= 1 && i.place.length <= 200 &&
            Array.isArray(i.photos) && i.photos.length <= 50 && i.photos.every((p) => typeof p === "string" && SHA256.test(p));
          if (!ok) throw bad("INVALID_INSPECTION", "inspection: inspectedAt (unix ms, not in the future), place (1-200 characters) and photos (up to 50 SHA-256 hashes, 0x hex).");
          const inspection = { inspectedAt: i!.inspectedAt, place: i!.place, photos: i!.photos.map((p) => p.toLowerCase()) };
          return this.append(app, { kind: "inspected", node, officer: input.officer, note: input.note, inspection });
        }
        case "completed":
          if (app.state !== "in-progress" || app.current < app.nodes.length) throw bad("INVALID_STEP", "An application is completed once every node is approved.", { open: node });
          return this.append({ ...app, state: "completed" }, { kind: "completed", officer: input.officer, note: input.note });
        default:
          throw bad("INVALID_STEP", `kind: one of ${APPROVAL_STEP_KINDS.join(", ")}.`);
      }
    });
  }

  /** Logs the step (durable), then stores the application with it. */
  private async append(next: Application, s: Pick<ApprovalStep, "kind" | "node" | "officer" | "note" | "inspection">): Promise<Application> {
    const at = this.now();
    const step: Omit<ApprovalStep, "detailsHash" | "receipt"> = {
      n: next.steps.length,
      kind: s.kind,
      ...(s.node !== undefined && { node: s.node }),
      officer: s.officer.toLowerCase(),
      at,
      ...(s.note !== undefined && { note: s.note }),
      ...(s.inspection !== undefined && { inspection: s.inspection }),
    };
    const detailsHash = detailsHashOf(stepDetails(next, step));
    const previous = next.steps.at(-1)?.receipt?.recordHash ?? ZeroHash;
    const receipt = await this.accessLog.append({
      time: at,
      agency: step.officer,
      citizen: next.applicant,
      kind: "approval",
      scopes: 0n,
      purpose: code(next.service),
      grantId: next.id,
      basis: "none",
      decision: s.kind === "returned" ? "denied" : "allowed",
      reason: APPROVAL_REASONS[s.kind],
      requestHash: detailsHash,
      responseHash: previous,
    });
    const saved: Application = { ...next, steps: [...next.steps, { ...step, detailsHash, receipt: { seq: receipt.seq, recordHash: receipt.recordHash } }] };
    const ops = [{ type: "put" as const, key: `a:${saved.id}`, value: JSON.stringify(saved) }];
    if (next.steps.length === 0) ops.push({ type: "put" as const, key: `c:${saved.applicant}:${saved.id}`, value: "" });
    await this.db.batch(ops, { sync: true });
    return saved;
  }

  /**
   * Holds the stored steps against the log: each step's record exists with its recordHash, says what
   * the step says (officer, applicant, service, application, step code) and commits to its details,
   * and each names the one before it. The log itself is checked against the chain by `imi audit verify`.
   */
  async verify(app: Application): Promise<{ ok: boolean; problems: string[] }> {
    const problems: string[] = [];
    let previous = ZeroHash;
    for (const step of app.steps) {
      const where = `step ${step.n} (${step.kind})`;
      if (!step.receipt) {
        problems.push(`${where}: not in the log`);
        continue;
      }
      const r = await this.accessLog.get(step.receipt.seq);
      const { detailsHash: _d, receipt: _r, ...plain } = step;
      void _d;
      void _r;
      const expected = detailsHashOf(stepDetails(app, plain));
      if (!r || r.recordHash.toLowerCase() !== step.receipt.recordHash.toLowerCase()) problems.push(`${where}: record #${step.receipt.seq} missing or altered`);
      else if (
        r.kind !== "approval" || r.grantId.toLowerCase() !== app.id || r.citizen.toLowerCase() !== app.applicant || r.agency.toLowerCase() !== step.officer ||
        r.purpose.toLowerCase() !== code(app.service).toLowerCase() || r.reason !== APPROVAL_REASONS[step.kind] || r.time !== step.at
      )
        problems.push(`${where}: the log record says otherwise`);
      else if (r.requestHash.toLowerCase() !== expected || step.detailsHash !== expected) problems.push(`${where}: details differ from what was logged`);
      else if (r.responseHash.toLowerCase() !== previous.toLowerCase()) problems.push(`${where}: does not follow the step before it`);
      previous = step.receipt.recordHash;
    }
    // The other way round: a step in the log that is not stored here (a crash between the log write
    // and the store's, or details removed afterwards) is reported too.
    const stored = new Set(app.steps.map((s) => s.receipt?.seq));
    for (let afterSeq = 0; ; ) {
      const page = await this.accessLog.query({ citizen: app.applicant, purpose: code(app.service), afterSeq, limit: 1000 });
      for (const r of page) if (r.kind === "approval" && r.grantId.toLowerCase() === app.id && !stored.has(r.seq)) problems.push(`record #${r.seq} (${r.reason}): logged, but its details are not stored`);
      if (page.length < 1000) break;
      afterSeq = page[page.length - 1].seq;
    }
    return { ok: problems.length === 0, problems };
  }
}
