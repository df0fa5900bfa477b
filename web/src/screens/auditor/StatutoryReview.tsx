// Auditor: statutory grants (access without consent, under a legal basis) waiting for review, and
// recording the review. The auditor's key signs ConsentRegistry.reviewStatutory here, in the
// browser; the gateway relays it (POST /v1/staff/transactions). A review is recorded once.
import { useEffect, useState } from "preact/hooks";
import { code, reviewStatutoryCall, signDeskTransaction, type Address, type Hex, type StatutoryReviewJson } from "@imi-ledger/sdk";
import { errorText, formatDate, useT } from "../../i18n/index.js";
import { codeOf } from "../../api/errorCode.js";
import { gateway } from "../../api/client.js";
import { agencyName, categoryNames, getDeployment, purposeName } from "../../api/directory.js";
import { useDirectory } from "../../useDirectory.js";
import { ErrorSummary, type FieldError } from "../../components/ErrorSummary.js";
import { StaffBar, StaffSignIn } from "../../staff/StaffSignIn.js";
import { useStaff, type StaffSignedIn } from "../../staff/staffSession.js";

/** Review outcomes, recorded on chain as code(name). */
export const REVIEW_OUTCOMES = ["lawful", "unlawful", "follow-up"] as const;

export function StatutoryReview() {
  const { t } = useT();
  const staff = useStaff("auditor");
  if (!staff) return <StaffSignIn role="auditor" title={t("statutory.signInTitle")} />;
  return <StatutoryList staff={staff} />;
}

function StatutoryList({ staff }: { staff: StaffSignedIn }) {
  const { t } = useT();
  const [grants, setGrants] = useState<StatutoryReviewJson[]>();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [done, setDone] = useState<string>();
  const load = () =>
    gateway.getStatutoryGrants({ token: staff.session.token }).then(
      (r) => setGrants(r.grants),
      (e) => setErrors([{ text: errorText(codeOf(e)) }]),
    );
  useEffect(() => void load(), [staff]);
  const waiting = grants?.filter((g) => !g.reviewed) ?? [];
  const reviewed = grants?.filter((g) => g.reviewed) ?? [];
  return (
    <main id="main" tabIndex={-1}>
      <StaffBar role="auditor" />
      <h1>{t("statutory.title")}</h1>
      <p class="lead">{t("statutory.intro")}</p>
      <p>
        <a href="/auditor">{t("statutory.toTrace")}</a>
      </p>
      <ErrorSummary errors={errors} />
      {done && (
        <p role="status" class="verdict ok">
          {done}
        </p>
      )}
      {!grants && !errors.length && <p>{t("app.loading")}</p>}
      {grants && (
        <>
          <h2>{t("statutory.waiting", { count: waiting.length })}</h2>
          {waiting.length === 0 ? (
            <p>{t("statutory.noneWaiting")}</p>
          ) : (
            <ul class="cards" data-testid="statutory-waiting">
              {waiting.map((g) => (
                <GrantCard key={g.grantId} grant={g}>
                  <ReviewForm
                    staff={staff}
                    grant={g}
                    onReviewed={(outcome) => {
                      setDone(t("statutory.reviewed", { outcome: t(`statutory.outcome.${outcome}`) }));
                      void load();
                    }}
                  />
                </GrantCard>
              ))}
            </ul>
          )}
          <h2>{t("statutory.reviewedTitle", { count: reviewed.length })}</h2>
          {reviewed.length > 0 && (
            <ul class="cards" data-testid="statutory-reviewed">
              {reviewed.map((g) => (
                <GrantCard key={g.grantId} grant={g} />
              ))}
            </ul>
          )}
        </>
      )}
    </main>
  );
}

function GrantCard({ grant, children }: { grant: StatutoryReviewJson; children?: preact.ComponentChildren }) {
  const { t, lang } = useT();
  const directory = useDirectory();
  return (
    <li class="card">
      <p>
        <strong>{directory ? (agencyName(directory, grant.agency, lang) ?? t("statutory.unknownAgency")) : grant.agency}</strong>
      </p>
      <p>
        {directory ? categoryNames(directory, grant.scopes, lang) : grant.scopes} · {directory ? (purposeName(directory, grant.purpose, lang) ?? t("statutory.otherPurpose")) : grant.purpose}
      </p>
      <p>{grant.anyCitizen ? t("statutory.anyCitizen") : t("statutory.oneCitizen")}</p>
      <p class="hint">
        {t("statutory.window", { from: formatDate(Number(grant.validFrom) * 1000, lang), until: formatDate(Number(grant.validUntil) * 1000, lang) })}
        {grant.revoked && ` · ${t("statutory.revoked")}`}
      </p>
      <details>
        <summary>{t("app.details")}</summary>
        <p class="mono">{t("statutory.grantId")}: {grant.grantId}</p>
        <p class="mono">{t("statutory.legalBasis")}: {grant.legalBasis}</p>
        {!grant.anyCitizen && <p class="mono">{grant.citizen}</p>}
      </details>
      {children}
    </li>
  );
}

function ReviewForm({ staff, grant, onReviewed }: { staff: StaffSignedIn; grant: StatutoryReviewJson; onReviewed: (outcome: string) => void }) {
  const { t } = useT();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const id = `review-${grant.grantId.slice(2, 10)}`;
  async function submit(event: Event) {
    event.preventDefault();
    const outcome = ((event.currentTarget as HTMLFormElement).elements.namedItem(id) as RadioNodeList).value;
    if (!outcome) return setError(t("statutory.chooseOutcome"));
    setBusy(true);
    setError(undefined);
    try {
      const deployment = await getDeployment();
      const data = reviewStatutoryCall({ grantId: grant.grantId as Hex, outcome: code(`statutory-review:${outcome}`) });
      const signedTransaction = await signDeskTransaction(gateway, { account: staff.account, to: deployment.contracts.consentRegistry as Address, data });
      await gateway.relayStaffTransaction({ signedTransaction, token: staff.session.token });
      onReviewed(outcome);
    } catch (e) {
      setError(errorText(codeOf(e)));
      setBusy(false);
    }
  }
  return (
    <form onSubmit={submit} noValidate>
      <fieldset class="field">
        <legend>{t("statutory.outcomeLegend")}</legend>
        {error && <p class="field-error">{error}</p>}
        {REVIEW_OUTCOMES.map((o) => (
          <label class="choice" key={o}>
            <input type="radio" name={id} value={o} /> {t(`statutory.outcome.${o}`)}
          </label>
        ))}
      </fieldset>
      <button type="submit" class="primary" disabled={busy}>
        {busy ? t("statutory.recording") : t("statutory.record")}
      </button>
    </form>
  );
}
