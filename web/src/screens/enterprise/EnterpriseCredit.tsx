import { useEffect, useMemo, useState } from "preact/hooks";
import type { Hex } from "@imi-ledger/sdk";
import { errorText, useT } from "../../i18n/index.js";
import { codeOf } from "../../api/http.js";
import type { SignedIn } from "../../session.js";
import type { RepresentedEnterprise } from "./acting.js";
import { applyForRepair, enterpriseCredit, evidenceOf, type EnterpriseCredit as Credit } from "./api.js";
import { ActingOnly, ErrorLine } from "./ActingOnly.js";
import { CreditEntryCard, type CreditEntry } from "./CreditEntryCard.js";
import { ErrorSummary, fieldErrors } from "../../components/ErrorSummary.js";

export function EnterpriseCredit() {
  const { t } = useT();
  return <ActingOnly title={t("enterprise.creditTitle")}>{(me, acting) => <CreditScreen me={me} acting={acting} />}</ActingOnly>;
}

type Evidence = Awaited<ReturnType<typeof evidenceOf>>;

/**
 * The enterprise's red- and black-list entries with their repair applications, and a repair
 * application: choose a black-list entry and the evidence files; the browser computes each file's
 * SHA-256 and the one evidence hash (the files stay on the device), shows them, and signs.
 */
function CreditScreen({ me, acting }: { me: SignedIn; acting: RepresentedEnterprise }) {
  const { t } = useT();
  const [data, setData] = useState<Credit>();
  const [error, setError] = useState<string>();
  const [entryId, setEntryId] = useState<string>("");
  const [evidence, setEvidence] = useState<Evidence>();
  const [fieldError, setFieldError] = useState<{ entry?: string; files?: string }>({});
  // One array per set of errors: the summary takes the focus when its errors change.
  const summary = useMemo(() => fieldErrors({ "entry": fieldError.entry, "evidence": fieldError.files }), [fieldError]);
  const [step, setStep] = useState<"form" | "check">("form");
  const [filed, setFiled] = useState<string>();
  const [busy, setBusy] = useState(false);
  const load = () => enterpriseCredit(me, acting.enterprise).then(setData, (e: unknown) => setError(errorText(codeOf(e))));
  useEffect(() => {
    setData(undefined);
    setError(undefined);
    void load();
  }, [me.session.token, acting.enterprise]);

  // Repairable: a black-list entry listed now with no application pending.
  const repairable = (data?.entries ?? []).filter((e) => e.kind === "black" && e.status === "listed" && !data!.repairs.some((r) => r.entryId === e.entryId && r.status === "pending"));

  async function chooseFiles(files: FileList | null) {
    setEvidence(undefined);
    setStep("form");
    if (!files || files.length === 0) return;
    try {
      setEvidence(await evidenceOf([...files]));
    } catch (e) {
      setError(errorText(codeOf(e)));
    }
  }

  function check(e: Event) {
    e.preventDefault();
    const errors = { entry: entryId ? undefined : t("enterprise.entryMissing"), files: evidence ? undefined : t("enterprise.filesMissing") };
    setFieldError(errors);
    if (!errors.entry && !errors.files) setStep("check");
  }

  async function sign() {
    if (!evidence) return;
    setBusy(true);
    setError(undefined);
    try {
      const r = await applyForRepair(me, { entryId: entryId as Hex, evidenceHash: evidence.evidenceHash });
      setFiled(r.repairId);
      setStep("form");
      setEntryId("");
      setEvidence(undefined);
      await load();
    } catch (e) {
      setError(errorText(codeOf(e)));
    } finally {
      setBusy(false);
    }
  }

  const entryName = (e: CreditEntry) => `${t(`enterprise.kind_${e.kind}`)}: ${e.list}`;
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t("enterprise.creditTitle")}</h1>
      <p class="lead">{t("enterprise.creditIntro")}</p>
      <ErrorLine text={error} />
      {filed && (
        <p class="notice" role="status" data-filed={filed}>
          {t("enterprise.filed", { id: filed })}
        </p>
      )}
      {!data ? (
        !error && <p>{t("app.loading")}</p>
      ) : (
        <>
          <section aria-labelledby="entries-title">
            <h2 id="entries-title">{t("enterprise.entriesTitle")}</h2>
            {data.entries.length === 0 ? (
              <p>{t("enterprise.noEntries")}</p>
            ) : (
              <ul class="cards">
                {data.entries.map((e) => (
                  <CreditEntryCard key={e.entryId} entry={e} repairs={data.repairs.filter((r) => r.entryId === e.entryId)} />
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="repair-title">
            <h2 id="repair-title">{t("enterprise.repairTitle")}</h2>
            {repairable.length === 0 ? (
              <p>{t("enterprise.nothingToRepair")}</p>
            ) : step === "form" ? (
              <form onSubmit={check} noValidate>
                <ErrorSummary errors={summary} />
                <div class={`field${fieldError.entry ? " has-error" : ""}`}>
                  <label for="entry">{t("enterprise.chooseEntry")}</label>
                  {fieldError.entry && (
                    <p id="entry-error" class="field-error">
                      {fieldError.entry}
                    </p>
                  )}
                  <select id="entry" name="entry" value={entryId} aria-describedby={fieldError.entry ? "entry-error" : undefined} onChange={(e) => setEntryId((e.currentTarget as HTMLSelectElement).value)}>
                    <option value="">{t("enterprise.chooseOne")}</option>
                    {repairable.map((e) => (
                      <option key={e.entryId} value={e.entryId}>
                        {entryName(e)}
                      </option>
                    ))}
                  </select>
                </div>
                <div class={`field${fieldError.files ? " has-error" : ""}`}>
                  <label for="evidence">{t("enterprise.chooseFiles")}</label>
                  <p class="hint" id="evidence-hint">
                    {t("enterprise.filesHint")}
                  </p>
                  {fieldError.files && (
                    <p id="evidence-error" class="field-error">
                      {fieldError.files}
                    </p>
                  )}
                  <input
                    id="evidence"
                    name="evidence"
                    type="file"
                    multiple
                    aria-describedby={fieldError.files ? "evidence-hint evidence-error" : "evidence-hint"}
                    onChange={(e) => void chooseFiles((e.currentTarget as HTMLInputElement).files)}
                  />
                </div>
                {evidence && <EvidenceList evidence={evidence} />}
                <button type="submit" class="primary">
                  {t("app.continue")}
                </button>
              </form>
            ) : (
              <div class="check-answers">
                <h3>{t("enterprise.repairCheckTitle")}</h3>
                <dl>
                  <dt>{t("enterprise.checkEntry")}</dt>
                  <dd>{repairable.find((e) => e.entryId === entryId) ? entryName(repairable.find((e) => e.entryId === entryId)!) : entryId}</dd>
                </dl>
                {evidence && <EvidenceList evidence={evidence} />}
                <p>{t("enterprise.repairCheckBody")}</p>
                <button type="button" class="primary" disabled={busy} onClick={() => void sign()}>
                  {t("enterprise.confirmRepair")}
                </button>{" "}
                <button type="button" disabled={busy} onClick={() => setStep("form")}>
                  {t("app.back")}
                </button>
              </div>
            )}
          </section>
        </>
      )}
    </main>
  );
}

function EvidenceList({ evidence }: { evidence: Evidence }) {
  const { t } = useT();
  return (
    <div class="evidence" data-evidence-hash={evidence.evidenceHash}>
      <p>{t("enterprise.filesChosen", { n: evidence.files.length })}</p>
      <ul>
        {evidence.files.map((f) => (
          <li key={f.digest}>
            {f.name}
            <br />
            <span class="hex">SHA-256 {f.digest.slice(2)}</span>
          </li>
        ))}
      </ul>
      <p>
        {t("enterprise.evidenceHash")} <span class="hex">{evidence.evidenceHash}</span>
      </p>
    </div>
  );
}
