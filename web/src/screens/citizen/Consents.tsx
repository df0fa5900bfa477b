import { useEffect, useState } from "preact/hooks";
import { errorText, formatDate, useT } from "../../i18n/index.js";
import { myAccesses, myConsents, type ConsentJson, type StatutoryJson } from "../../api/citizen.js";
import { codeOf } from "../../api/http.js";
import { agencyName, categoryNames, purposeName } from "../../api/directory.js";
import { useDirectory } from "../../useDirectory.js";
import { SignedInOnly } from "../../components/SignedInOnly.js";
import { RecoveryAlert } from "../../components/RecoveryAlert.js";
import type { SignedIn } from "../../session.js";
import { ACTIONS_BY_STATUS, statusOf } from "./consentView.js";

export function Consents() {
  return <SignedInOnly>{(me) => <ConsentList me={me} />}</SignedInOnly>;
}

function ConsentList({ me }: { me: SignedIn }) {
  const { t, lang } = useT();
  const directory = useDirectory();
  const [data, setData] = useState<{ consents: ConsentJson[]; statutory: StatutoryJson[]; used: Map<string, number> }>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    Promise.all([myConsents(me.session), myAccesses(me.session)])
      .then(([{ consents, statutory }, accesses]) => {
        // Uses so far: the allowed accesses logged under each consent.
        const used = new Map<string, number>();
        for (const a of accesses) if (a.decision === "allowed" && a.basis === "consent") used.set(a.grantId.toLowerCase(), (used.get(a.grantId.toLowerCase()) ?? 0) + 1);
        setData({ consents: [...consents].reverse(), statutory: statutory.filter((s) => !s.revoked), used });
      })
      .catch((e: unknown) => setError(errorText(codeOf(e))));
  }, [me.session.token]);

  return (
    <main id="main" tabIndex={-1}>
      <RecoveryAlert me={me} />
      <h1>{t("consents.title")}</h1>
      <p class="lead">{t("consents.intro")}</p>
      {error && (
        <p class="error-summary" role="alert">
          {error}
        </p>
      )}
      {!data || !directory ? (
        !error && <p>{t("app.loading")}</p>
      ) : data.consents.length === 0 ? (
        <p>{t("consents.empty")}</p>
      ) : (
        <ul class="cards consents">
          {data.consents.map((c) => {
            const status = statusOf(c);
            const used = data.used.get(c.consentId.toLowerCase()) ?? 0;
            return (
              <li class={`card consent status-${status}`} key={c.consentId} data-consent={c.consentId} data-status={status}>
                <h2 class="card-title">{agencyName(directory, c.agency, lang) ?? t("accesses.unknownAgency")}</h2>
                <p class={`status status-${status}`}>{t(`consents.status_${status}`)}</p>
                <dl>
                  <dt>{t("accesses.purpose")}</dt>
                  <dd>{purposeName(directory, c.purpose, lang) ?? t("accesses.unknownPurpose")}</dd>
                  <dt>{t("accesses.categories")}</dt>
                  <dd>{categoryNames(directory, c.scopes, lang)}</dd>
                  <dt>{t("accesses.when")}</dt>
                  <dd>{t("consents.window", { from: formatDate(Number(c.validFrom) * 1000, lang), until: formatDate(Number(c.validUntil) * 1000, lang) })}</dd>
                </dl>
                <p class="uses">{c.maxUses > 0 ? t("consents.uses", { used, limit: c.maxUses }) : t("consents.usesUnlimited", { used })}</p>
                {ACTIONS_BY_STATUS[status].length > 0 && (
                  <p class="actions">
                    {ACTIONS_BY_STATUS[status].map((action) => (
                      <a key={action} class={`button ${action === "revoke" ? "warning" : "secondary"}`} href={`/me/consents/${c.consentId}/${action}`}>
                        {t(`consents.${action}`)}
                      </a>
                    ))}
                  </p>
                )}
                <details>
                  <summary>{t("accesses.hex")}</summary>
                  <dl class="hex">
                    <dt>ID</dt>
                    <dd>{c.consentId}</dd>
                    <dt>{t("accesses.agency")}</dt>
                    <dd>{c.agency}</dd>
                  </dl>
                </details>
              </li>
            );
          })}
        </ul>
      )}
      {data && directory && data.statutory.length > 0 && (
        <section aria-labelledby="statutory-title">
          <h2 id="statutory-title">{t("consents.statutoryTitle")}</h2>
          <p>{t("consents.statutoryIntro")}</p>
          <ul class="cards">
            {data.statutory.map((s) => (
              <li class="card" key={s.grantId}>
                <h3 class="card-title">{agencyName(directory, s.agency, lang) ?? t("accesses.unknownAgency")}</h3>
                <p>
                  {purposeName(directory, s.purpose, lang) ?? t("accesses.unknownPurpose")} · {categoryNames(directory, s.scopes, lang)}
                </p>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}
