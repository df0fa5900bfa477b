// Follows life-event credentials as issuers anchor them and delivers the services they open.
//
// One loop, one job at a time (a district's life events arrive at a few a minute, not thousands a
// second): read new CredentialRegistered/CredentialAnchored logs into jobs (ServicesStore opens each
// (credential, rule) once), then work the due jobs. A job asks the gateway its eligibility questions
// as an agency (POST /v1/access/predicate, signed with the services key) under the citizen's
// standing consent, so every check is decided, logged and anchored like any other access; a refusal
// for want of consent turns the job into an offer. An eligible job is first written as "delivering"
// with everything it will deliver (the credential document with its hash), then executed; a restart
// finishes a "delivering" job by checking the chain, so a credential is never anchored twice and a
// payment instruction never recorded twice. Failures wait and retry with backoff, visibly.
import { AbiCoder, Interface, keccak256, toUtf8Bytes } from "ethers";
import type { Logger } from "pino";
import {
  GatewayAccessDeniedError,
  IMI_ROLES,
  canonicalJson,
  credentialRegistryAbi,
  issueCredential,
  purposeCode,
  scopesFromNames,
  type GatewayClient,
  type Hex,
  type ImiClient,
  type LocalAccount,
} from "@imi-ledger/sdk";
import type { AccessLog } from "../accesslog/index.js";
import type { Indexer } from "../indexer/index.js";
import { NodeError } from "../NodeError.js";
import { checkCursorsOnMove, type RetiredChain } from "./retiredChain.js";
import { topUpFeeFloat } from "../runtime/feeFloat.js";
import { categoryOf, schemaNamesOf, type PredicateRule, type ServiceRule, type ServiceRuleSet } from "./rules.js";
import type { DeliveredThing, NewJob, ServiceJob, ServicesStore } from "./ServicesStore.js";

const registry = new Interface(credentialRegistryAbi as never);
const SCHEMA_REGISTERED = registry.getEvent("SchemaRegistered")!.topicHash;
const CREDENTIAL_ANCHORED = registry.getEvent("CredentialAnchored")!.topicHash;
const ZERO = `0x${"0".repeat(64)}`;
/** Reason code the services key puts on a voucher the citizen declined (CredentialRegistry.revoke). */
export const DECLINED_REASON = 1;

type RpcLog = { topics: string[]; data: string; blockNumber: string; transactionHash: string };

export type ServicesEngineOptions = {
  rules: ServiceRuleSet;
  store: ServicesStore;
  /** Chain client acting as the services account (reads logs, anchors credentials). */
  chain: ImiClient;
  /** Chain client acting as the governor: grants the services account its roles and registers the schemas it issues. */
  governor: ImiClient;
  /** The governor's account, which pays the services account its fee float (feeFloat.ts). */
  governorAccount?: LocalAccount;
  /** The gateway the eligibility questions go to. */
  gateway: GatewayClient;
  account: LocalAccount;
  accessLog: AccessLog;
  indexer: Indexer;
  fromBlock: number;
  /** After a chain move: the retired chain, where the life events and schemas before the move are read. */
  retired?: RetiredChain;
  pollIntervalMs: number;
  retry: { baseMs: number; maxMs: number };
  logger: Logger;
  now?: () => number;
};

export type ServicesStatus = {
  ready: boolean;
  account: string;
  cursor: number | undefined;
  lastError?: { code: string; message: string };
};

function errorOf(error: unknown): { code: string; message: string } {
  const e = error as { code?: unknown; message?: unknown; errorName?: unknown };
  // A contract's refusal is named by its custom error (AccessManagedUnauthorized ...): that says what to fix.
  const code = typeof e?.errorName === "string" ? e.errorName : typeof e?.code === "string" ? e.code : "SERVICES_FAULT";
  return { code, message: typeof e?.message === "string" ? e.message.slice(0, 300) : String(error).slice(0, 300) };
}

/** The schema document the services key registers for a credential it issues: its id is this text's hash. */
export function issuedSchemaDocument(name: string): string {
  return JSON.stringify({ title: name, version: "1", issuedBy: "imi-services" });
}

/** What the services register in the AgencyRegistry: the categories their predicates read (birth, address, credentials). */
const SERVICES_SCOPES = scopesFromNames(["birth", "address", "credentials"]);
const SERVICES_PROFILE = {
  nameZh: "区政务服务“免申即享”平台",
  nameEn: "District proactive services platform",
  contact: "12345",
  legalBasisZh: "《优化营商环境条例》第三十五条；国务院关于加快推进政务服务“跨省通办”的指导意见",
  legalBasisEn: "Regulation on Optimizing the Business Environment, art. 35; State Council guidance on cross-region government services",
};

export type LifeEvent = { citizen: string; schema: string; credentialHash: string; block: number; txHash: string };

export class ServicesEngine {
  private readonly rulesByEvent = new Map<string, ServiceRule[]>();
  /** Registered schema ids by name (every version), from SchemaRegistered logs. */
  private readonly schemaIds = new Map<string, string[]>();
  private readonly schemaNames = new Map<string, string>();
  private schemasScanned: number;
  private retiredSchemasRead = false;
  private moved = false;
  private setupDone = false;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private wake = false;
  private lastError: { code: string; message: string } | undefined;
  private cursorCache: number | undefined;
  private readonly now: () => number;
  private readonly purpose: Hex;
  private readonly listeners = new Set<(job: ServiceJob) => void>();

  constructor(private readonly o: ServicesEngineOptions) {
    for (const rule of o.rules.rules) this.rulesByEvent.set(rule.event.schema, [...(this.rulesByEvent.get(rule.event.schema) ?? []), rule]);
    this.schemasScanned = o.fromBlock - 1;
    this.now = o.now ?? Date.now;
    this.purpose = purposeCode(o.rules.purpose) as Hex;
  }

  get address(): string {
    return this.o.account.address.toLowerCase();
  }

  start(): void {
    this.stopped = false;
    const loop = async () => {
      if (this.stopped) return;
      this.running = this.tick().catch((error: unknown) => {
        this.lastError = errorOf(error);
        this.o.logger.warn({ event: "services_tick_failed", code: this.lastError.code }, this.lastError.message);
      });
      await this.running;
      this.running = undefined;
      if (this.stopped) return;
      const again = this.wake;
      this.wake = false;
      this.timer = setTimeout(() => void loop(), again ? 0 : this.o.pollIntervalMs);
    };
    void loop();
  }

  /** Runs the loop again soon (a consent changed, a citizen accepted an offer). */
  poke(): void {
    this.wake = true;
    if (this.timer && !this.running) {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.start();
      }, 0);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Called with every job whose state changed (for tests and the citizen's live view). */
  onChange(listener: (job: ServiceJob) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  status(): ServicesStatus {
    return { ready: this.setupDone, account: this.address, cursor: this.cursorCache, ...(this.lastError ? { lastError: this.lastError } : {}) };
  }

  /** One pass: setup (once), new schemas, new life events, due jobs. Exposed for tests. */
  async tick(): Promise<void> {
    if (!this.setupDone) {
      await this.setup();
      this.setupDone = true;
    }
    await this.continueOnSuccessor();
    const head = Number(BigInt(await this.o.chain.request<string>("eth_blockNumber")));
    await this.scanSchemas(head);
    await this.followEvents(head);
    await this.requeueOffers();
    for (const job of await this.dueJobs()) {
      if (this.stopped) return;
      await this.work(job);
    }
    this.lastError = undefined;
  }

  // ---- setup -------------------------------------------------------------------------------------

  /**
   * Runs the setup now (the node awaits it while starting, so the governor key's transactions do not
   * race an operator's `imi roles grant` with the same key later); on failure the loop tries again.
   */
  async prepare(): Promise<void> {
    try {
      await this.setup();
      this.setupDone = true;
    } catch (error) {
      this.lastError = errorOf(error);
      this.o.logger.warn({ event: "services_setup_failed", code: this.lastError.code }, this.lastError.message);
    }
  }

  /** The services account holds the agency and issuer roles, may send transactions, and is trusted for every schema it issues. */
  private async setup(): Promise<void> {
    const g = this.o.governor;
    const me = this.o.account.address as Hex;
    for (const role of [IMI_ROLES.agency, IMI_ROLES.issuer]) if (!(await g.roles.has({ role, member: me })).isMember) await g.roles.grant({ role, member: me });
    if (g.deployment.contracts.accountRules && !(await g.accountRules.isAllowed({ address: me }))) await g.accountRules.setAllowed({ accounts: [me], allowed: true });
    // It anchors the credentials it issues itself: on a network with a gas price it needs a float to pay for them.
    if (this.o.governorAccount) await topUpFeeFloat(g, this.o.governorAccount, me);
    // Agencies ask only for what they registered: the services ask yes/no questions on birth, address
    // and credentials under the standing consent's purpose, and register exactly that.
    if (g.deployment.contracts.agencyRegistry) {
      const { registered } = await g.agencies.excessScopes({ agency: me, purpose: this.purpose, scopes: SERVICES_SCOPES });
      if (registered !== SERVICES_SCOPES)
        await g.agencies.register({ agency: me, profile: SERVICES_PROFILE, purposes: [{ purpose: this.purpose, scopes: SERVICES_SCOPES, nameZh: "免申即享服务", nameEn: "Proactive services" }] });
    }
    for (const name of schemaNamesOf(this.o.rules).issued) {
      const document = issuedSchemaDocument(name);
      const schemaId = keccak256(toUtf8Bytes(document)) as Hex;
      const schema = await g.credentials.getSchema({ schemaId, issuer: me });
      if (schema.registeredAt === 0n) await g.credentials.registerSchema({ document, name, version: "1" });
      if (!schema.issuerTrusted) await g.credentials.setIssuerTrust({ schemaId, issuer: me, trusted: true });
    }
    this.o.logger.info({ event: "services_ready", account: me, rules: this.o.rules.rules.length }, "services account ready");
  }

  // ---- following the chain -----------------------------------------------------------------------

  private async logs(topics: Array<string | string[] | null>, from: number, to: number, chain: RetiredChain["chain"] = this.o.chain): Promise<RpcLog[]> {
    const out: RpcLog[] = [];
    const step = chain.maxLogBlockRange;
    for (let start = from; start <= to; start += step) {
      const end = Math.min(to, start + step - 1);
      out.push(
        ...(await chain.request<RpcLog[]>("eth_getLogs", [
          { address: this.o.chain.deployment.contracts.credentialRegistry, topics, fromBlock: `0x${start.toString(16)}`, toBlock: `0x${end.toString(16)}` },
        ])),
      );
    }
    return out;
  }

  private learnSchemas(logs: RpcLog[]): void {
    for (const log of logs) {
      const parsed = registry.parseLog(log)!;
      const id = String(parsed.args.schemaId).toLowerCase();
      const name = String(parsed.args.name);
      if (this.schemaNames.has(id)) continue;
      this.schemaIds.set(name, [...(this.schemaIds.get(name) ?? []), id]);
      this.schemaNames.set(id, name);
    }
  }

  private async scanSchemas(head: number): Promise<void> {
    // Schemas registered before a chain move are events of the retired chain only: the successor's genesis carries their state, not their logs.
    await this.readRetiredSchemas();
    if (head <= this.schemasScanned) return;
    this.learnSchemas(await this.logs([SCHEMA_REGISTERED], this.schemasScanned + 1, head));
    this.schemasScanned = head;
  }

  private async readRetiredSchemas(): Promise<void> {
    const retired = this.o.retired;
    if (!retired || this.retiredSchemasRead) return;
    this.learnSchemas(await this.logs([SCHEMA_REGISTERED], retired.fromBlock, retired.block, retired.chain));
    this.retiredSchemasRead = true;
  }

  /**
   * After a chain move (retiredChain.ts): opens the jobs of the life events the retired chain holds
   * after the cursor, then stands at the successor's block 0, in one synced batch. Refuses
   * (SERVICES_MIGRATION_MISMATCH, nothing changed) a cursor that matches neither chain. The node
   * runs it while starting; each pass runs it too, so the cursor never reads the successor in the
   * retired chain's numbering.
   */
  async continueOnSuccessor(): Promise<void> {
    const retired = this.o.retired;
    if (!retired || this.moved) return;
    const at = await this.o.store.position();
    checkCursorsOnMove("SERVICES_MIGRATION_MISMATCH", { cursors: { services: at.cursor }, successorChainId: at.successorChainId }, retired);
    if (at.successorChainId !== retired.successorChainId) {
      await this.readRetiredSchemas();
      const from = (at.cursor ?? retired.fromBlock - 1) + 1;
      const jobs = from <= retired.block ? await this.jobsIn(from, retired.block, retired.chain) : [];
      const opened = await this.o.store.openJobs(jobs, 0, this.now(), retired.successorChainId);
      this.o.logger.info({ event: "services_moved_to_successor", from, to: retired.block, opened: opened.length, chainId: retired.successorChainId }, "services continue at the successor's block 0");
      for (const job of opened) this.emit(job);
    }
    this.moved = true;
  }

  /** The last block whose registered schemas the engine knows: life events up to it can be named. */
  get schemasReadTo(): number {
    return this.schemasScanned;
  }

  /**
   * Life-event credentials (a schema some rule follows) anchored in blocks `from`..`to`, about a
   * citizen. The webhooks tell agencies of them with their own cursor.
   */
  async lifeEvents(from: number, to: number, onRetiredChain = false): Promise<LifeEvent[]> {
    const out: LifeEvent[] = [];
    if (to < from) return out;
    const retired = onRetiredChain ? this.o.retired : undefined;
    if (onRetiredChain && !retired) throw new NodeError("SERVICES_FAULT", "no retired chain to read life events from");
    if (retired) await this.readRetiredSchemas();
    for (const log of await this.logs([CREDENTIAL_ANCHORED], from, to, retired?.chain)) {
      const schema = this.schemaNames.get(String(log.topics[2]).toLowerCase());
      if (!schema || !this.rulesByEvent.has(schema)) continue;
      const parsed = registry.parseLog(log)!;
      const citizen = String(parsed.args.subject).toLowerCase();
      if (citizen === ZERO) continue;
      out.push({ citizen, schema, credentialHash: String(parsed.args.credentialHash).toLowerCase(), block: Number(BigInt(log.blockNumber)), txHash: log.transactionHash });
    }
    return out;
  }

  private async followEvents(head: number): Promise<void> {
    const cursor = (await this.o.store.cursor()) ?? this.o.fromBlock - 1;
    this.cursorCache = cursor;
    if (head <= cursor) return;
    const jobs = await this.jobsIn(cursor + 1, head);
    const opened = await this.o.store.openJobs(jobs, head, this.now());
    this.cursorCache = head;
    for (const job of opened) {
      this.o.logger.info({ event: "services_job_opened", job: job.id, rule: job.rule, block: job.event.block }, "life event opens a service");
      this.emit(job);
    }
  }

  /** The jobs the life events anchored in blocks `from`..`to` open (on the retired chain after a move, when `chain` names it). */
  private async jobsIn(from: number, to: number, chain?: RetiredChain["chain"]): Promise<NewJob[]> {
    const ids = new Set([...this.rulesByEvent.keys()].flatMap((name) => this.schemaIds.get(name) ?? []));
    const jobs: NewJob[] = [];
    if (ids.size > 0) {
      // Filtered here rather than by an OR-list in topic 1: not every engine's eth_getLogs takes one.
      for (const log of await this.logs([CREDENTIAL_ANCHORED], from, to, chain)) {
        if (!ids.has(String(log.topics[2]).toLowerCase())) continue;
        const parsed = registry.parseLog(log)!;
        const subject = String(parsed.args.subject).toLowerCase();
        // A credential about no citizen opens nothing.
        if (subject === ZERO) continue;
        const credentialHash = String(parsed.args.credentialHash).toLowerCase();
        const schemaId = String(parsed.args.schemaId).toLowerCase();
        const schema = this.schemaNames.get(schemaId)!;
        for (const rule of this.rulesByEvent.get(schema) ?? []) {
          jobs.push({
            id: keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32", "string"], [credentialHash, rule.id])),
            rule: rule.id,
            citizen: subject,
            event: { credentialHash, schemaId, schema, issuer: String(parsed.args.issuer).toLowerCase(), block: Number(BigInt(log.blockNumber)), txHash: log.transactionHash },
            plan: rule.delivery,
          });
        }
      }
    }
    return jobs;
  }

  /** An offer whose citizen has since granted a consent to the services account is tried again. */
  private async requeueOffers(): Promise<void> {
    for (const job of await this.o.store.all({ state: "offered" })) {
      const latest = this.o.indexer.latestConsent(job.citizen, this.address, this.purpose).toLowerCase();
      if (/^0x0{64}$/.test(latest) || latest === job.grantId) continue;
      await this.save({ ...job, state: "pending", nextAttemptAt: this.now(), grantId: latest });
    }
  }

  private async dueJobs(): Promise<ServiceJob[]> {
    const now = this.now();
    const jobs = [...(await this.o.store.all({ state: "delivering" })), ...(await this.o.store.all({ state: "pending" })), ...(await this.o.store.all({ state: "failed" }))];
    return jobs.filter((j) => (j.nextAttemptAt ?? 0) <= now);
  }

  // ---- one job -----------------------------------------------------------------------------------

  private async save(job: ServiceJob): Promise<ServiceJob> {
    const saved = { ...job, updatedAt: this.now() };
    await this.o.store.save(saved);
    this.emit(saved);
    return saved;
  }

  private emit(job: ServiceJob): void {
    for (const listener of this.listeners) {
      try {
        listener(job);
      } catch {
        // A listener's fault is its own.
      }
    }
  }

  private ruleOf(job: ServiceJob): ServiceRule | undefined {
    return this.o.rules.rules.find((r) => r.id === job.rule);
  }

  private async work(job: ServiceJob): Promise<void> {
    try {
      // A delivery prepared before (the node stopped, or its execution failed) is finished as prepared, never prepared anew.
      if (job.delivered && (job.state === "delivering" || job.state === "failed")) return void (await this.finish(job, true));
      const rule = this.ruleOf(job);
      if (!rule) {
        // The rule was removed from the set after the job opened: nothing is delivered on a rule that no longer stands.
        await this.save({ ...job, state: "ineligible", reason: "RULE_REMOVED" });
        return;
      }
      const checked = await this.check(job, rule);
      if (checked.state !== "pending") return void (await this.save(checked));
      const prepared = await this.save({ ...checked, state: "delivering", delivered: this.prepareDelivery(checked, rule), logFrom: this.o.accessLog.lastSeq() });
      await this.finish(prepared, false);
    } catch (error) {
      const fault = errorOf(error);
      const attempts = job.attempts + 1;
      const wait = Math.min(this.o.retry.maxMs, this.o.retry.baseMs * 2 ** Math.min(20, attempts - 1));
      // The stored job keeps a prepared delivery, so the retry executes that same delivery.
      const current = (await this.o.store.job(job.id)) ?? job;
      await this.save({ ...current, state: "failed", attempts, lastError: fault, nextAttemptAt: this.now() + wait });
      this.o.logger.warn({ event: "services_attempt_failed", job: job.id, rule: job.rule, attempts, code: fault.code }, "service delivery will be retried");
    }
  }

  /** Asks each eligibility question through the gateway. Returns the job as pending (eligible), offered or ineligible. */
  private async check(job: ServiceJob, rule: ServiceRule): Promise<ServiceJob> {
    const checks: ServiceJob["checks"] = [];
    let grantId = job.grantId;
    for (const p of rule.eligibility) {
      const question = this.questionOf(p);
      if (!question) {
        // No schema of that name is registered: nobody holds such a credential.
        checks.push({ predicate: p, result: false, code: "UNKNOWN_SCHEMA" });
        if (p.expect) return { ...job, checks, attempts: job.attempts + 1, state: "ineligible", reason: "UNKNOWN_SCHEMA", lastError: undefined };
        continue;
      }
      try {
        const answer = await this.o.gateway.askPredicate({
          citizen: job.citizen as Hex,
          scopes: scopesFromNames([categoryOf(p)]),
          purpose: this.purpose,
          predicate: question,
          signer: this.o.account,
        });
        grantId = answer.grantId;
        checks.push({ predicate: p, result: answer.result, code: "ALLOWED", seq: Number(answer.receipt.seq), recordHash: answer.receipt.recordHash });
        if (answer.result !== p.expect) return { ...job, checks, grantId, attempts: job.attempts + 1, state: "ineligible", reason: "NOT_ELIGIBLE", lastError: undefined };
      } catch (error) {
        if (!(error instanceof GatewayAccessDeniedError)) throw error;
        const code = error.code;
        checks.push({ predicate: p, result: null, code, ...(error.receipt ? { seq: Number(error.receipt.seq), recordHash: error.receipt.recordHash } : {}) });
        // No data to answer from: the person is not eligible on this record.
        if (error.status === 404) return { ...job, checks, attempts: job.attempts + 1, state: "ineligible", reason: code, lastError: undefined };
        // No standing consent, or one that does not cover this question: an offer, never a delivery.
        const latest = this.o.indexer.latestConsent(job.citizen, this.address, this.purpose).toLowerCase();
        return { ...job, checks, attempts: job.attempts + 1, state: "offered", reason: code, grantId: latest, lastError: undefined };
      }
    }
    return { ...job, checks, grantId, attempts: job.attempts + 1, state: "pending", lastError: undefined };
  }

  private questionOf(p: PredicateRule): { type: "ageAtLeast"; years: number } | { type: "residentOf"; district: string } | { type: "hasValidCredential"; schemaId: Hex } | undefined {
    if (p.type === "ageAtLeast") return { type: "ageAtLeast", years: p.years };
    if (p.type === "residentOf") return { type: "residentOf", district: p.district };
    const ids = this.schemaIds.get(p.schema);
    return ids?.length ? { type: "hasValidCredential", schemaId: ids[ids.length - 1] as Hex } : undefined;
  }

  /** Everything the delivery will be, fixed before it is executed (so a restart executes the same thing). */
  private prepareDelivery(job: ServiceJob, rule: ServiceRule): DeliveredThing {
    const d = job.plan;
    if (d.kind === "credential") {
      const schemaId = keccak256(toUtf8Bytes(issuedSchemaDocument(d.schema)));
      const validFrom = Math.floor(this.now() / 1000);
      const validUntil = d.validDays ? validFrom + d.validDays * 86_400 : 0;
      const issued = issueCredential(this.o.account, {
        chainId: this.o.chain.chainId,
        schemaId: schemaId as Hex,
        subject: job.citizen as Hex,
        validFrom,
        validUntil,
        claims: { ...d.claims, rule: rule.id, issuer: rule.issuer },
      });
      return { kind: "credential", schemaId, credentialHash: issued.credentialHash, validUntil, document: issued };
    }
    const ref = keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32", "string"], [job.id, d.kind]));
    if (d.kind === "payment") return { kind: "payment", amountFen: d.amountFen, account: d.account, recurring: d.recurring, instructionId: ref };
    return { kind: "registration", step: d.step, registrationId: ref };
  }

  /**
   * The delivery's access record if a run before a crash wrote it but died before marking the job
   * delivered. Only the records appended since the delivery was prepared are read (normally a few).
   */
  private async writtenReceipt(job: ServiceJob): Promise<{ seq: number; recordHash: string } | undefined> {
    if (job.logFrom === undefined) return undefined;
    for (let seq = job.logFrom + 1; seq <= this.o.accessLog.lastSeq(); seq++) {
      const r = await this.o.accessLog.get(seq);
      if (r && r.kind === "service" && r.reason === "SERVICE_DELIVERED" && r.requestHash.toLowerCase() === job.id && r.citizen.toLowerCase() === job.citizen) return { seq: r.seq, recordHash: r.recordHash };
    }
    return undefined;
  }

  /** Executes a prepared delivery; safe to run again after a crash at any point (`resumed`: it may have run before). */
  private async finish(job: ServiceJob, resumed: boolean): Promise<void> {
    const thing = job.delivered;
    if (!thing) throw new NodeError("SERVICES_FAULT", `job ${job.id} is delivering without a prepared delivery`);
    if (thing.kind === "credential") {
      const onChain = await this.o.chain.credentials.get({ credentialHash: thing.credentialHash as Hex });
      if (onChain.anchoredAt === 0n) {
        await this.o.chain.credentials.anchor({ credentialHash: thing.credentialHash as Hex, schemaId: thing.schemaId as Hex, subject: job.citizen as Hex, validFrom: 0, validUntil: thing.validUntil });
      }
    }
    const receipt = (resumed ? await this.writtenReceipt(job) : undefined) ?? await this.o.accessLog.append({
      time: this.now(),
      agency: this.o.account.address,
      citizen: job.citizen,
      kind: "service",
      scopes: 0n,
      purpose: this.purpose,
      grantId: job.grantId ?? ZERO,
      basis: "consent",
      decision: "allowed",
      reason: "SERVICE_DELIVERED",
      requestHash: job.id,
      responseHash: keccak256(toUtf8Bytes(canonicalJson({ rule: job.rule, delivered: { ...thing, document: undefined } }))),
    });
    await this.save({ ...job, state: "delivered", deliveredAt: this.now(), receipt: { seq: receipt.seq, recordHash: receipt.recordHash }, lastError: undefined, nextAttemptAt: undefined });
    this.o.logger.info({ event: "services_delivered", job: job.id, rule: job.rule, kind: thing.kind, seq: receipt.seq }, "service delivered");
  }

  // ---- the citizen's answers ---------------------------------------------------------------------

  /** The citizen declines a delivered service or an offer: a voucher is revoked on chain, an instruction cancelled. */
  async decline(citizen: string, id: string): Promise<ServiceJob> {
    const job = await this.o.store.job(id);
    if (!job || job.citizen !== citizen.toLowerCase()) throw new NodeError("SERVICE_NOT_FOUND", "No service of yours has this id.");
    if (job.state === "declined") return job;
    if (job.state !== "delivered" && job.state !== "offered") throw new NodeError("SERVICE_NOT_DECLINABLE", `A service that is ${job.state} cannot be declined yet.`, { details: { state: job.state } });
    if (job.state === "delivered" && job.delivered?.kind === "credential") {
      const status = await this.o.chain.credentials.get({ credentialHash: job.delivered.credentialHash as Hex });
      if (status.status !== 3n) await this.o.chain.credentials.revoke({ credentialHash: job.delivered.credentialHash as Hex, reason: DECLINED_REASON });
    }
    const receipt = await this.o.accessLog.append({
      time: this.now(),
      agency: this.o.account.address,
      citizen: job.citizen,
      kind: "service",
      scopes: 0n,
      purpose: this.purpose,
      grantId: job.grantId ?? ZERO,
      basis: "consent",
      decision: "denied",
      reason: "SERVICE_DECLINED",
      requestHash: job.id,
      responseHash: ZERO,
    });
    return this.save({ ...job, state: "declined", declinedAt: this.now(), declineReceipt: { seq: receipt.seq, recordHash: receipt.recordHash } });
  }

  /** The citizen asks for an offered service now (normally after granting the standing consent). */
  async accept(citizen: string, id: string): Promise<ServiceJob> {
    const job = await this.o.store.job(id);
    if (!job || job.citizen !== citizen.toLowerCase()) throw new NodeError("SERVICE_NOT_FOUND", "No service of yours has this id.");
    if (job.state !== "offered") throw new NodeError("SERVICE_NOT_OFFERED", `Only an offer can be accepted; this service is ${job.state}.`, { details: { state: job.state } });
    const saved = await this.save({ ...job, state: "pending", nextAttemptAt: this.now() });
    this.poke();
    return saved;
  }
}
