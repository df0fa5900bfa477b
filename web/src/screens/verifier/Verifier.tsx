// The verifier device (a community door, a service counter, a hospital reception): scans the
// resident's one code with the camera (or takes it typed) and asks the gateway, which checks it
// against the ledger now and logs the check, so the resident sees who verified her and when. The
// device learns only the answer: who (the identity number), the assurance level, and at most one
// disclosed claim. It reads no data.
import { useState } from "preact/hooks";
import type { OneCodeVerdictJson } from "@imi-ledger/sdk";
import { errorText, formatDateTime, useT } from "../../i18n/index.js";
import { codeOf } from "../../api/errorCode.js";
import { gateway } from "../../api/client.js";
import { ErrorSummary } from "../../components/ErrorSummary.js";
import { QrScanner } from "../../components/QrScanner.js";
import { StaffBar, StaffSignIn } from "../../staff/StaffSignIn.js";
import { useStaff, type StaffSignedIn } from "../../staff/staffSession.js";

export function Verifier() {
  const { t } = useT();
  const staff = useStaff("verifier");
  if (!staff) return <StaffSignIn role="verifier" title={t("verifier.signInTitle")} />;
  return (
    <main id="main" tabIndex={-1}>
      <StaffBar role="verifier" />
      <Check staff={staff} />
    </main>
  );
}

const REASONS = new Set([
  "ONE_CODE_BAD_STAPLE",
  "ONE_CODE_UNTRUSTED_GATEWAY",
  "ONE_CODE_STAPLE_EXPIRED",
  "ONE_CODE_BAD_SIGNATURE",
  "ONE_CODE_STALE",
  "ONE_CODE_WRONG_VERIFIER",
  "ONE_CODE_REPLAYED",
  "ONE_CODE_NOT_CONTROLLER",
  "ONE_CODE_IDENTITY_INACTIVE",
  "ONE_CODE_UNKNOWN_CITIZEN",
  "ONE_CODE_NOT_REPRESENTATIVE",
  "ONE_CODE_ENTERPRISE_INACTIVE",
]);

function Check({ staff }: { staff: StaffSignedIn }) {
  const { t } = useT();
  const [verdict, setVerdict] = useState<OneCodeVerdictJson>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [round, setRound] = useState(0);

  async function check(text: string) {
    setBusy(true);
    setError(undefined);
    try {
      setVerdict(await gateway.checkOneCode({ code: text, token: staff.session.token }));
    } catch (e) {
      const code = codeOf(e);
      setError(code.startsWith("ONE_CODE_") ? t("verifier.notACode") : errorText(code));
    } finally {
      setBusy(false);
    }
  }

  const next = () => {
    setVerdict(undefined);
    setError(undefined);
    setRound((n) => n + 1);
  };

  if (verdict)
    return (
      <section aria-labelledby="verdict-title">
        <div class={verdict.verified ? "verdict ok" : "verdict bad"} role="status" data-testid="one-code-verdict" data-verified={String(verdict.verified)} data-reason={verdict.reason}>
          <h1 id="verdict-title">{verdict.verified ? t("verifier.verified") : t("verifier.refused")}</h1>
          {verdict.verified ? (
            <dl>
              <dt>{t("verifier.citizen")}</dt>
              <dd class="hex">{verdict.citizen}</dd>
              <dt>{t("verifier.level")}</dt>
              <dd>{verdict.level}</dd>
              {verdict.enterprise && (
                <>
                  <dt>{t("verifier.enterprise")}</dt>
                  <dd class="hex" data-testid="one-code-enterprise">{verdict.enterprise}</dd>
                </>
              )}
              {verdict.claim && (
                <>
                  <dt>{verdict.claim.name}</dt>
                  <dd>{verdict.claim.value}</dd>
                </>
              )}
              <dt>{t("verifier.when")}</dt>
              <dd>{formatDateTime(verdict.time)}</dd>
            </dl>
          ) : (
            <p>{REASONS.has(verdict.reason) ? t(`verifier.reason.${verdict.reason}`) : verdict.reason}</p>
          )}
          <p class="hint">{t("verifier.logged")}</p>
        </div>
        <button type="button" class="primary" onClick={next}>
          {t("verifier.next")}
        </button>
      </section>
    );
  return (
    <section aria-labelledby="scan-title">
      <h1 id="scan-title">{t("verifier.title")}</h1>
      <p class="lead">{t("verifier.intro")}</p>
      {error && <ErrorSummary errors={[{ field: "one-code-typed", text: error }]} />}
      {busy ? <p role="status">{t("verifier.checking")}</p> : <QrScanner key={round} id="one-code" inputLabel={t("verifier.typeLabel")} onResult={(text) => void check(text)} />}
    </section>
  );
}
