import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { CONSENT_REQUEST_PATH } from "@imi-ledger/sdk";
import { errorText, formatDate, useT } from "../../i18n/index.js";
import { codeOf } from "../../api/http.js";
import { SignedInOnly } from "../../components/SignedInOnly.js";
import { takeReturnPath } from "../../returnPath.js";
import type { SignedIn } from "../../session.js";
import { enterpriseLabel, setActingFor, useActingFor, type RepresentedEnterprise } from "./acting.js";
import { myEnterprises } from "./api.js";
import { ErrorLine } from "./ActingOnly.js";

export function Enterprises() {
  return <SignedInOnly>{(me) => <EnterpriseList me={me} />}</SignedInOnly>;
}

/** "Enterprises I act for": each with her role and scopes, and one tap to act for it (and back). */
function EnterpriseList({ me }: { me: SignedIn }) {
  const { t, lang } = useT();
  const { route } = useLocation();
  const acting = useActingFor();
  const [list, setList] = useState<RepresentedEnterprise[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    myEnterprises(me).then(setList, (e: unknown) => setError(errorText(codeOf(e))));
  }, [me.session.token]);

  const role = (e: RepresentedEnterprise) =>
    e.asLegalRepresentative ? t("enterprise.roleLegal") : t("enterprise.roleStaff", { until: formatDate(Number(e.expiresAt) * 1000, lang) });
  const scopes = (e: RepresentedEnterprise) => e.scopeNames.map((s) => t(`enterprise.scope_${s}`)).join("、");
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t("enterprise.title")}</h1>
      <ErrorLine text={error} />
      {acting && (
        <section class="acting-for" aria-labelledby="acting-title" data-acting-for-enterprise={acting.enterprise}>
          <h2 id="acting-title">{t("enterprise.actingTitle", { name: enterpriseLabel(acting) })}</h2>
          <p>{t("enterprise.actingBody")}</p>
          <ul>
            <li>
              <a href="/enterprise/tracker">{t("enterprise.trackerTitle")}</a>
            </li>
            <li>
              <a href="/enterprise/consents">{t("enterprise.consentsTitle")}</a>
            </li>
            <li>
              <a href="/enterprise/credit">{t("enterprise.creditTitle")}</a>
            </li>
            <li>
              <a href="/enterprise/staff">{t("enterprise.staffTitle")}</a>
            </li>
            <li>
              <a href="/enterprise/code">{t("enterprise.codeTitle")}</a>
            </li>
          </ul>
          <button
            type="button"
            class="primary"
            onClick={() => {
              setActingFor(undefined);
              route("/me/accesses");
            }}
          >
            {t("enterprise.backToMe")}
          </button>
        </section>
      )}
      {me.session.asGuardian ? (
        <p>{t("enterprise.notAsGuardian")}</p>
      ) : !list ? (
        !error && <p>{t("app.loading")}</p>
      ) : list.length === 0 ? (
        <p>{t("enterprise.none")}</p>
      ) : (
        <section aria-labelledby="list-title">
          <h2 id="list-title">{t("enterprise.listTitle")}</h2>
          <ul class="cards">
            {list.map((e) => (
              <li class="card" key={e.enterprise} data-enterprise={e.enterprise}>
                <h3 class="card-title">{enterpriseLabel(e)}</h3>
                <dl>
                  {e.code && (
                    <>
                      <dt>{t("enterprise.code")}</dt>
                      <dd>{e.code}</dd>
                    </>
                  )}
                  <dt>{t("enterprise.role")}</dt>
                  <dd>{role(e)}</dd>
                  <dt>{t("enterprise.scopes")}</dt>
                  <dd>{scopes(e)}</dd>
                </dl>
                {acting?.enterprise !== e.enterprise && (
                  <button
                    type="button"
                    class="primary"
                    onClick={() => {
                      setActingFor(e);
                      // An agency's request to this enterprise, opened before she chose to act for it, opens again now.
                      const back = takeReturnPath();
                      if (back?.startsWith(CONSENT_REQUEST_PATH)) route(back);
                      else window.scrollTo(0, 0);
                    }}
                  >
                    {t("enterprise.actFor", { name: enterpriseLabel(e) })}
                  </button>
                )}
                <details>
                  <summary>{t("accesses.hex")}</summary>
                  <dl class="hex">
                    <dt>ID</dt>
                    <dd>{e.enterprise}</dd>
                  </dl>
                </details>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}
