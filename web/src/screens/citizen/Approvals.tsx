import { useEffect, useState } from "preact/hooks";
import { errorText, formatDateTime, useT } from "../../i18n/index.js";
import { codeOf } from "../../api/http.js";
import { myApprovals, type ApplicationJson } from "../../api/approvals.js";
import { SignedInOnly } from "../../components/SignedInOnly.js";
import type { SignedIn } from "../../session.js";

export function Approvals() {
  return <SignedInOnly>{(me) => <ApprovalsScreen me={me} />}</SignedInOnly>;
}

/** My service applications: where each stands, each approval node with its time limit, and every step the officers recorded. */
function ApprovalsScreen({ me }: { me: SignedIn }) {
  const { t, lang } = useT();
  const [applications, setApplications] = useState<ApplicationJson[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    myApprovals(me.session)
      .then(setApplications)
      .catch((e: unknown) => setError(errorText(codeOf(e))));
  }, [me.session.token]);

  return (
    <main id="main" tabIndex={-1}>
      <h1>{t("approvals.title")}</h1>
      <p class="lead">{t("approvals.intro")}</p>
      {error && (
        <p class="error-summary" role="alert">
          {error}
        </p>
      )}
      {!applications ? (
        !error && <p>{t("app.loading")}</p>
      ) : applications.length === 0 ? (
        <p>{t("approvals.empty")}</p>
      ) : (
        <ul class="cards applications">
          {applications.map((a) => (
            <li class={`card application state-${a.state}`} key={a.id} data-application={a.service} data-state={a.state}>
              <h2 class="card-title">{a.service}</h2>
              <p class={`status state-${a.state}`}>{t(`approvals.state_${a.state}`)}</p>
              <h3>{t("approvals.nodesTitle")}</h3>
              <ol class="nodes">
                {a.nodes.map((n) => (
                  <li key={n.name} data-node={n.name} data-status={n.status} data-overdue={n.overdue ? "yes" : "no"}>
                    {n.name}: {t(`approvals.node_${n.status}`)}
                    {n.deadline !== undefined && n.status === "open" && <> · {t("approvals.deadline", { when: formatDateTime(n.deadline, lang) })}</>}
                    {n.overdue && <strong class="overdue"> · {t("approvals.overdue")}</strong>}
                  </li>
                ))}
              </ol>
              <h3>{t("approvals.stepsTitle")}</h3>
              <ol class="steps">
                {a.steps.map((s) => (
                  <li key={s.n} data-step={s.kind}>
                    {formatDateTime(s.at, lang)} · {t(`approvals.step_${s.kind}`)}
                    {s.node && <> · {s.node}</>}
                    {s.note && <p class="step-note">{s.note}</p>}
                  </li>
                ))}
              </ol>
            </li>
          ))}
        </ul>
      )}
      <p>
        <a class="back" href="/me/services">
          {t("approvals.back")}
        </a>
      </p>
    </main>
  );
}
