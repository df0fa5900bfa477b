// `imi demo`: the whole story on the running node, step by step, with the real commands'
// functions: roles, registration, consent, access, a predicate, an identity proof, a credential,
// refusals, revocation, the citizen's tracker, an auditor's trace and the log audit. It seeds what
// it needs (demo-* keys in the node's key ring, roles granted with the governor key) and can run
// again on the same node: what exists is reused.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Hex } from "@imi-ledger/sdk";
import { openKeyRing } from "../../../node/runtime/keys.js";
import { CliError, EXIT } from "../../CliError.js";
import { connect, type NodeOptions } from "../../internal/connect.js";
import { toCliError } from "../../internal/errors.js";
import { GatewayRefused } from "../../internal/gateway.js";
import { askPredicate, requestData } from "../agency/access.js";
import { identityChallenge, verifyCredential, verifyIdentity } from "../agency/verify.js";
import { accessHistory } from "../citizen/history.js";
import { presentCredentialFile } from "../citizen/present.js";
import { proveIdentity } from "../citizen/prove.js";
import { changeConsent } from "../consent/change.js";
import { grantConsent } from "../consent/grant.js";
import { anchorCredentials } from "../issuer/anchor.js";
import { issueCredentialFile } from "../issuer/issue.js";
import { registerSchema } from "../issuer/schema.js";
import { registerCitizen } from "../registrar/register.js";
import { grantRole } from "../roles/grant.js";
import { registerAgency } from "../agency/register.js";
import { DEMO_AGENCY_REGISTRATIONS } from "./directory.js";
import { traceAccesses } from "../trace/trace.js";

export type DemoStep = { step: string; ok: boolean; detail: string };
export type DemoResult = { ok: boolean; steps: DemoStep[]; citizen?: Hex; consentId?: Hex };

const PURPOSE = "social-benefits";

const CITIZENS = [
  { key: "demo-citizen-1", name: "Chan Tai Man", idNumber: "110108195002030016", birthDate: "1950-02-03", district: "Haidian" },
  { key: "demo-citizen-2", name: "Li Na", idNumber: "110105199006010027", birthDate: "1990-06-01", district: "Chaoyang" },
  { key: "demo-citizen-3", name: "Wang Fang", idNumber: "110108201209150044", birthDate: "2012-09-15", district: "Haidian" },
] as const;

/** The demo citizens' personal data: the end-to-end suite checks that none of it reaches the chain. */
export const DEMO_CITIZENS = CITIZENS;

export async function demo(options: NodeOptions, report: (step: DemoStep) => void = () => {}): Promise<DemoResult> {
  const steps: DemoStep[] = [];
  const node = await connect(options);
  node.requireGateway();
  const dataDir = node.dataDir;
  const ring = await openKeyRing(dataDir);
  if (!(await ring.has("governor")))
    throw new CliError("KEY_NOT_FOUND", `no governor key in ${ring.dir}: run the demo on the node's own data directory`, { exitCode: EXIT.usage });
  const base = { ...options, dataDir };
  const as = (key: string) => ({ ...base, key });

  /** Runs one step; `expect` says what counts as the story going right (a refusal can be right). */
  async function step<T>(name: string, run: () => Promise<T>, describe: (value: T) => string, expectRefusal?: string): Promise<T | undefined> {
    try {
      const value = await run();
      const s = { step: name, ok: expectRefusal === undefined, detail: expectRefusal === undefined ? describe(value) : `expected a refusal (${expectRefusal}), got an answer` };
      steps.push(s);
      report(s);
      return value;
    } catch (error) {
      const e = toCliError(error);
      const code = e instanceof CliError ? e.code : "IMI_UNEXPECTED";
      const message = e instanceof Error ? e.message : String(e);
      const ok = expectRefusal !== undefined && code === expectRefusal;
      const s = { step: name, ok, detail: ok ? `refused as it should be: ${code}${e instanceof GatewayRefused && e.body.receipt ? ` (logged as record #${e.body.receipt.seq})` : ""}` : `${code}: ${message}` };
      steps.push(s);
      report(s);
      return undefined;
    }
  }

  // 1. Cast: keys in the node's key ring, roles from the governor.
  const cast = { registrar: "demo-registrar", issuer: "demo-issuer", agency1: "demo-agency-1", agency2: "demo-agency-2", auditor: "demo-auditor" };
  const addresses: Record<string, string> = {};
  for (const name of [...Object.values(cast), ...CITIZENS.map((c) => c.key)]) addresses[name] = await ring.address(name);
  await step(
    "governor grants roles",
    async () => {
      const grants: Array<[string, string]> = [["registrar", cast.registrar], ["issuer", cast.issuer], ["agency", cast.agency1], ["agency", cast.agency2], ["auditor", cast.auditor]];
      let sent = 0;
      for (const [role, key] of grants) sent += (await grantRole({ ...base, role, account: addresses[key] })).txHashes.length;
      return sent;
    },
    (sent) => `registrar, issuer, two agencies and an auditor hold their roles${sent ? "" : " (already)"}`,
  );

  await step(
    "governor registers the two agencies and what they may ask for",
    async () => {
      for (const key of [cast.agency1, cast.agency2]) await registerAgency({ ...base, account: addresses[key]!, registration: DEMO_AGENCY_REGISTRATIONS[key]! });
    },
    () => "names, contact, legal basis and the categories each may ask for, per purpose, on chain",
  );

  // 2. Registration at the service window (reused when the demo ran before on this node).
  const reader = node.client();
  const citizens: Hex[] = [];
  for (const c of CITIZENS) {
    const existing = await reader.identity.identityOf({ key: addresses[c.key] as Hex });
    const id = existing
      ? (steps.push({ step: `register ${c.name}`, ok: true, detail: `already registered as ${existing}` }), report(steps.at(-1)!), existing)
      : (await step(`register ${c.name}`, () => registerCitizen({ ...as(cast.registrar), controller: addresses[c.key], name: c.name, idNumber: c.idNumber, birthDate: c.birthDate, district: c.district }), (r) => `citizen ${r.citizen}, record in the vault, commitment on chain (block ${r.blockNumber})`))?.citizen;
    if (id) citizens.push(id);
  }
  const citizen = citizens[0];
  if (!citizen) return { ok: false, steps };
  const citizenKey = CITIZENS[0].key;

  // 3. Consent, access, a yes/no.
  const granted = await step(
    "citizen grants consent",
    () => grantConsent({ ...as(citizenKey), agency: addresses[cast.agency1], scopes: "address,birth", purpose: PURPOSE, for: "30d", yes: true }),
    (r) => `${r.consentId}: agency 1 may read ${r.categories.join(", ")} for ${PURPOSE}`,
  );
  await step("agency reads the address", () => requestData({ ...as(cast.agency1), citizen, scopes: "address", purpose: PURPOSE }), (r) => `got ${JSON.stringify(r.data)}; receipt #${r.receipt.seq}`);
  await step("agency asks: 65 or older?", () => askPredicate({ ...as(cast.agency1), citizen, purpose: PURPOSE, ageAtLeast: "65" }), (r) => `${r.result ? "yes" : "no"}, signed by the gateway; no birth date disclosed`);
  await step("another agency without consent is refused", () => requestData({ ...as(cast.agency2), citizen, scopes: "address", purpose: PURPOSE }), () => "", "UNKNOWN_GRANT");

  // 4. "I am me" without an ID card.
  await step(
    "citizen proves identity to an agency",
    async () => {
      const challenge = await identityChallenge(as(cast.agency1));
      const { proof } = await proveIdentity({ ...as(citizenKey), challenge: challenge.challenge, audience: challenge.audience });
      const verdict = await verifyIdentity({ ...as(cast.agency1), proof: JSON.stringify(proof) });
      if (!verdict.verified) throw new CliError(verdict.reason, "identity not verified");
      return verdict;
    },
    (v) => `verified, assurance level ${v.level}`,
  );

  // 5. A credential: schema, issue, anchor, disclose one claim, verify.
  const work = await mkdtemp(join(tmpdir(), "imi-demo-"));
  try {
    await step(
      "issuer issues a senior card; agency verifies one claim",
      async () => {
        const schema = await registerSchema({ ...base, key: "governor", name: "senior-card", version: String(Date.now()), trust: [addresses[cast.issuer]] });
        const file = join(work, "senior-card.json");
        await issueCredentialFile({ ...as(cast.issuer), schema: schema.schemaId, subject: citizen, claims: JSON.stringify({ age_over_65: true, card: "S-0001" }), out: file });
        await anchorCredentials({ ...as(cast.issuer), files: [file], progress: false });
        const shown = await presentCredentialFile({ credential: file, disclose: "age_over_65" });
        const verdict = await verifyCredential({ ...as(cast.agency1), presentation: JSON.stringify(shown.presentation), subject: citizen });
        if (!verdict.valid) throw new CliError("CREDENTIAL_INVALID", verdict.problems.join(", "));
        return verdict;
      },
      (v) => `valid; disclosed ${JSON.stringify(v.claims)} and nothing else`,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }

  // 6. Revocation, and the refusal that follows.
  if (granted) {
    await step("citizen revokes the consent", () => changeConsent("revoke", { ...as(citizenKey), consentId: granted.consentId, yes: true }), (r) => `consent is ${r.status}`);
    await step("agency reads again and is refused", () => requestData({ ...as(cast.agency1), citizen, scopes: "address", purpose: PURPOSE }), () => "", "CONSENT_REVOKED");
  }

  // 7. The tracker, the auditor, the log.
  await step(
    "citizen sees every access",
    () => accessHistory(as(citizenKey)),
    (r) => {
      const allowed = r.records.filter((x) => x.decision === "allowed").length;
      return `${r.records.length} records: ${allowed} allowed, ${r.records.length - allowed} refused; ${r.records.filter((x) => x.proof === "anchored").length} anchored on chain`;
    },
  );
  await step("auditor traces the citizen", () => traceAccesses({ ...as(cast.auditor), citizen }), (r) => `${r.records.length} records across ${new Set(r.records.map((x) => x.agency)).size} agencies`);
  const verify = await loadAuditVerify();
  if (verify) {
    await step(
      "audit verify: the log is complete and matches the chain",
      async () => {
        const report = await verify({ dataDir });
        if (!report.ok) throw new CliError("LOG_BROKEN", JSON.stringify(report.firstBreak));
        return report;
      },
      (r) => `${r.recordsChecked} records, ${r.batchesChecked} batches intact`,
    );
  } else {
    const s = { step: "audit verify", ok: true, detail: "skipped: `imi audit verify` is not available in this build" };
    steps.push(s);
    report(s);
  }
  return { ok: steps.every((s) => s.ok), steps, citizen, ...(granted ? { consentId: granted.consentId } : {}) };
}

type AuditVerify = (o: { dataDir: string }) => Promise<{ ok: boolean; recordsChecked: number; batchesChecked: number; firstBreak?: unknown }>;

async function loadAuditVerify(): Promise<AuditVerify | undefined> {
  try {
    const module = (await import("../auditVerify.js")) as { auditVerify?: AuditVerify };
    return module.auditVerify;
  } catch {
    return undefined;
  }
}

