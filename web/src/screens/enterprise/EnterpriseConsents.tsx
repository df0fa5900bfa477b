import { useEffect, useState } from "preact/hooks";
import type { Hex } from "@imi-ledger/sdk";
import { errorText, formatDate, useT } from "../../i18n/index.js";
import { codeOf } from "../../api/http.js";
import { changeMyConsent, type ConsentAction, type ConsentJson } from "../../api/citizen.js";
import { agencyName, categoryNames, purposeName } from "../../api/directory.js";
import { useDirectory } from "../../useDirectory.js";
import type { SignedIn } from "../../session.js";
import { ACTIONS_BY_STATUS, statusOf } from "../citizen/consentView.js";
import { enterpriseLabel, type RepresentedEnterprise } from "./acting.js";
import { enterpriseConsents } from "./api.js";
import { ActingOnly, ErrorLine } from "./ActingOnly.js";

export function EnterpriseConsents() {
  const { t } = useT();
  return <ActingOnly title={t("enterprise.consentsTitle")}>{(me, acting) => <ConsentsScreen me={me} acting={acting} />}</ActingOnly>;
}

/**
 * The enterprise's consents; withdraw, pause or resume one after a check of what will be signed. The
 * representative signs with her own key; the gateway refuses the list, and the ledger the change,
 * outside her consent scope, and the page says so in words.
 */
function ConsentsScreen({ me, acting }: { me: SignedIn; acting: RepresentedEnterprise }) {
  const { t, lang } = useT();
  const directory = useDirectory();
  const [consents, setConsents] = useState<ConsentJson[]>();
  const [error, setError] = useState<string>();
  const [checking, setChecking] = useState<{ consent: ConsentJson; action: ConsentAction }>();
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState(false);
  const load = () =>
    enterpriseConsents(me, acting.enterprise).then(
      (r) => setConsents([...(r.consents as unknown as ConsentJson[])].reverse()),
      (e: unknown) => setError(errorText(codeOf(e))),
    );
  useEffect(() => {
    setConsents(undefined);
    setError(undefined);
    void load();
  }, [me.session.token, acting.enterprise]);

  async function confirm() {
    if (!checking) return;
    setBusy(true);
    setError(undefined);
    try {
      await changeMyConsent(me.account, checking.action, checking.consent.consentId as Hex);
      setDone(t(`enterprise.changed_${checking.action}`));
      setChecking(undefined);
      await load();
    } catch (e) {
      setError(errorText(codeOf(e)));
    } finally {
      setBusy(false);
    }
  }

  const agencyOf = (c: ConsentJson) => (directory && agencyName(directory, c.agency, lang)) ?? t("accesses.unknownAgency");
  const purposeOf = (c: ConsentJson) => (directory && purposeName(directory, c.purpose, lang)) ?? t("accesses.unknownPurpose");
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t("enterprise.consentsTitle")}</h1>
      <p class="lead">{t("enterprise.consentsIntro", { name: enterpriseLabel(acting) })}</p>
      <ErrorLine text={error} />
      {done && (
        <p class="notice" role="status" data-done>
          {done}
        </p>
      )}
      {checking && directory && (
        <div class="check-answers" data-checking={checking.action}>
          <h2>{t("enterprise.checkTitle")}</h2>
          <p>{t(`enterprise.check_${checking.action}`, { agency: agencyOf(checking.consent), purpose: purposeOf(checking.consent), name: enterpriseLabel(acting) })}</p>
          <p>{t("enterprise.checkSigned")}</p>
          <button type="button" class={checking.action === "revoke" ? "warning" : "primary"} disabled={busy} onClick={() => void confirm()}>
            {t(`enterprise.confirm_${checking.action}`)}
          </button>{" "}
          <button type="button" disabled={busy} onClick={() => setChecking(undefined)}>
            {t("app.cancel")}
          </button>
        </div>
      )}
      {!consents || !directory ? (
        !error && <p>{t("app.loading")}</p>
      ) : consents.length === 0 ? (
        <p>{t("enterprise.noConsents")}</p>
      ) : (
        <ul class="cards consents">
          {consents.map((c) => {
            const status = statusOf(c);
            return (
              <li class={`card consent status-${status}`} key={c.consentId} data-consent={c.consentId} data-status={status}>
                <h2 class="card-title">{agencyOf(c)}</h2>
                <p class={`status status-${status}`}>{t(`consents.status_${status}`)}</p>
                <dl>
                  <dt>{t("accesses.purpose")}</dt>
                  <dd>{purposeOf(c)}</dd>
                  <dt>{t("accesses.categories")}</dt>
                  <dd>{categoryNames(directory, c.scopes, lang)}</dd>
                  <dt>{t("accesses.when")}</dt>
                  <dd>{t("consents.window", { from: formatDate(Number(c.validFrom) * 1000, lang), until: formatDate(Number(c.validUntil) * 1000, lang) })}</dd>
                </dl>
                {ACTIONS_BY_STATUS[status].length > 0 && (
                  <p class="actions">
                    {ACTIONS_BY_STATUS[status].map((action) => (
                      <button
                        type="button"
                        key={action}
                        class={action === "revoke" ? "warning" : "secondary"}
                        disabled={busy}
                        onClick={() => {
                          setDone(undefined);
                          setChecking({ consent: c, action });
                          window.scrollTo(0, 0);
                        }}
                      >
                        {t(`consents.${action}`)}
                      </button>
                    ))}
                  </p>
                )}
                <details>
                  <summary>{t("accesses.hex")}</summary>
                  <dl class="hex">
                    <dt>ID</dt>
                    <dd>{c.consentId}</dd>
                  </dl>
                </details>
              </li>
            );
          })}
        </ul>
      )}
    </main>
  );
}
