import { useState } from "preact/hooks";
import { decryptKeystore, type GatewaySession, type Hex } from "@imi-ledger/sdk";
import { errorText, formatNumber, useT } from "../../i18n/index.js";
import { codeOf } from "../../api/errorCode.js";
import { gateway } from "../../api/client.js";
import type { AccessRecordJson } from "../../api/citizen.js";
import { checkRecordProof } from "../../api/proof.js";
import type { Directory } from "../../api/directory.js";
import { useDirectory } from "../../useDirectory.js";
import { AccessCard } from "../../components/AccessCard.js";
import { ErrorSummary, fieldError, type FieldError } from "../../components/ErrorSummary.js";
import { Field } from "../Home.js";

/** Auditor: sign in with the staff key (kept for this page only), trace, and verify what was found. */
export function Auditor() {
  const [session, setSession] = useState<GatewaySession>();
  return session ? <Trace session={session} /> : <StaffSignIn onSignedIn={setSession} />;
}

function StaffSignIn({ onSignedIn }: { onSignedIn: (s: GatewaySession) => void }) {
  const { t } = useT();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  async function submit(event: Event) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const file = (form.elements.namedItem("staffkey") as HTMLInputElement).files?.[0];
    const password = (form.elements.namedItem("staffpassword") as HTMLInputElement).value;
    const found: FieldError[] = [];
    if (!file) found.push({ field: "staffkey", text: t("keys.fileMissing") });
    if (!password) found.push({ field: "staffpassword", text: t("keys.passwordMissing") });
    setErrors(found);
    if (found.length) return;
    setBusy(true);
    try {
      const account = await decryptKeystore(await file!.text(), password);
      const session = await gateway.loginStaff({ signer: account });
      gateway.logout(); // the token stays with this screen, in memory
      if (!session.roles?.includes("auditor")) throw Object.assign(new Error("not an auditor"), { code: "NOT_AUDITOR" });
      onSignedIn(session);
    } catch (error) {
      const code = codeOf(error);
      setErrors([{ field: code === "KEYSTORE_PASSWORD" ? "staffpassword" : undefined, text: code === "NOT_AUDITOR" ? t("auditor.notAuditor") : errorText(code) }]);
      setBusy(false);
    }
  }
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t("auditor.signInTitle")}</h1>
      <p class="lead">{t("auditor.signInIntro")}</p>
      <ErrorSummary errors={errors} />
      <form onSubmit={submit} noValidate>
        <Field id="staffkey" label={t("auditor.keyLabel")} error={fieldError(errors, "staffkey")}>
          <input id="staffkey" name="staffkey" type="file" accept=".json,application/json" />
        </Field>
        <Field id="staffpassword" label={t("auditor.passwordLabel")} error={fieldError(errors, "staffpassword")}>
          <input id="staffpassword" name="staffpassword" type="password" autocomplete="current-password" />
        </Field>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t("signIn.working") : t("auditor.signIn")}
        </button>
      </form>
    </main>
  );
}

type Query = { citizen?: Hex; agency?: Hex; purpose?: Hex; fromTime?: number; toTime?: number };
type Verification = { done: number; total: number; ok: number; pending: number; failed: number; finished: boolean };

function Trace({ session }: { session: GatewaySession }) {
  const { t, lang } = useT();
  const directory = useDirectory();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [query, setQuery] = useState<Query>();
  const [records, setRecords] = useState<AccessRecordJson[]>();
  const [next, setNext] = useState<number>();
  const [busy, setBusy] = useState(false);
  const [verification, setVerification] = useState<Verification>();

  async function load(q: Query, afterSeq?: number) {
    setBusy(true);
    try {
      const page = await gateway.getAuditAccesses({ ...q, afterSeq, limit: 50, token: session.token });
      const got = page.records as unknown as AccessRecordJson[];
      setRecords((list) => [...(afterSeq === undefined ? [] : (list ?? [])), ...got]);
      setNext(got.length === 50 ? page.nextAfterSeq : undefined);
    } catch (error) {
      setErrors([{ text: errorText(codeOf(error)) }]);
    } finally {
      setBusy(false);
    }
  }

  function submit(event: Event) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value.trim();
    const citizen = value("trace-citizen");
    const found: FieldError[] = [];
    if (citizen && !/^0x[0-9a-fA-F]{64}$/.test(citizen)) found.push({ field: "trace-citizen", text: t("keys.citizenInvalid") });
    setErrors(found);
    if (found.length) return;
    const day = (v: string, end: boolean) => (v ? new Date(`${v}T${end ? "23:59:59.999" : "00:00:00"}`).getTime() : undefined);
    const q: Query = {
      citizen: (citizen || undefined) as Hex | undefined,
      agency: (value("trace-agency") || undefined) as Hex | undefined,
      purpose: (value("trace-purpose") || undefined) as Hex | undefined,
      fromTime: day(value("trace-from"), false),
      toTime: day(value("trace-to"), true),
    };
    setQuery(q);
    setVerification(undefined);
    void load(q);
  }

  async function verify() {
    const list = records ?? [];
    const state: Verification = { done: 0, total: list.length, ok: 0, pending: 0, failed: 0, finished: false };
    setVerification({ ...state });
    for (const record of list) {
      const result = await checkRecordProof(record).catch(() => ({ state: "pending" as const }));
      state.done += 1;
      if (result.state === "verified") state.ok += 1;
      else if (result.state === "failed") state.failed += 1;
      else state.pending += 1;
      setVerification({ ...state });
    }
    setVerification({ ...state, finished: true });
  }

  return (
    <main id="main" tabIndex={-1}>
      <h1>{t("auditor.traceTitle")}</h1>
      <p class="lead">{t("auditor.traceIntro")}</p>
      <ErrorSummary errors={errors} />
      <form onSubmit={submit} noValidate>
        <Field id="trace-citizen" label={t("auditor.citizenLabel")} error={fieldError(errors, "trace-citizen")}>
          <input id="trace-citizen" name="trace-citizen" type="text" autocomplete="off" spellcheck={false} />
        </Field>
        <Field id="trace-agency" label={t("auditor.agencyLabel")}>
          <select id="trace-agency" name="trace-agency">
            <option value="">{t("auditor.anyOption")}</option>
            {directory &&
              Object.entries(directory.agencies).map(([account, name]) => (
                <option key={account} value={account}>
                  {name[lang]}
                </option>
              ))}
          </select>
        </Field>
        <Field id="trace-purpose" label={t("auditor.purposeLabel")}>
          <select id="trace-purpose" name="trace-purpose">
            <option value="">{t("auditor.anyOption")}</option>
            {directory &&
              Object.entries(directory.purposes).map(([code, name]) => (
                <option key={code} value={code}>
                  {name[lang]}
                </option>
              ))}
          </select>
        </Field>
        <div class="dates">
          <Field id="trace-from" label={t("auditor.fromLabel")}>
            <input id="trace-from" name="trace-from" type="date" />
          </Field>
          <Field id="trace-to" label={t("auditor.toLabel")}>
            <input id="trace-to" name="trace-to" type="date" />
          </Field>
        </div>
        <button type="submit" class="primary" disabled={busy}>
          {t("auditor.search")}
        </button>
      </form>
      {records && directory && (
        <section aria-labelledby="results-title">
          <h2 id="results-title" data-count={records.length}>
            {records.length ? t("auditor.results", { count: records.length }) : t("auditor.none")}
          </h2>
          {records.length > 0 && (
            <>
              <button type="button" class="secondary" onClick={() => void verify()} disabled={verification !== undefined && !verification.finished}>
                {t("auditor.verify")}
              </button>
              {verification && <VerificationProgress v={verification} />}
              <ol class="cards">
                {records.map((r) => (
                  <AuditCard key={r.seq} record={r} directory={directory} />
                ))}
              </ol>
              {next !== undefined && query && (
                <button type="button" class="secondary" disabled={busy} onClick={() => void load(query, next)}>
                  {t("auditor.more")}
                </button>
              )}
            </>
          )}
        </section>
      )}
    </main>
  );

  function VerificationProgress({ v }: { v: Verification }) {
    return (
      <div class="verification" data-finished={v.finished ? "yes" : "no"} data-failed={v.failed}>
        <label for="verify-progress">{t("auditor.progressLabel")}</label>
        <progress id="verify-progress" max={v.total} value={v.done}>
          {formatNumber(v.done, lang)} / {formatNumber(v.total, lang)}
        </progress>
        <p role="status" aria-live="polite">
          {v.finished ? t("auditor.verified", { total: v.total, ok: v.ok, pending: v.pending, failed: v.failed }) : t("auditor.verifying", { done: v.done, total: v.total })}
        </p>
        {v.finished && <p class={v.failed ? "field-error" : "status-active"}>{v.failed ? t("auditor.problem") : t("auditor.allGood")}</p>}
      </div>
    );
  }
}

function AuditCard({ record: r, directory }: { record: AccessRecordJson; directory: Directory }) {
  const { t } = useT();
  const whose = (
    <>
      <dt>{t("auditor.citizen")}</dt>
      <dd class="mono">{`${r.citizen.slice(0, 10)}…${r.citizen.slice(-6)}`}</dd>
    </>
  );
  return <AccessCard record={r} directory={directory} heading="h3" leadingRows={whose} />;
}
