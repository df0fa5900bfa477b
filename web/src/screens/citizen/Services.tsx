import { useEffect, useState } from "preact/hooks";
import { errorText, formatDate, useT } from "../../i18n/index.js";
import { codeOf } from "../../api/http.js";
import { myConsents } from "../../api/citizen.js";
import { agencyName } from "../../api/directory.js";
import { acceptMyService, declineMyService, myDataRequests, myServices, sendMyDataRequest, type CitizenDataRequests, type CitizenService, type DataRequestKind } from "../../api/services.js";
import { useDirectory } from "../../useDirectory.js";
import { SignedInOnly } from "../../components/SignedInOnly.js";
import { ErrorSummary, fieldError, type FieldError } from "../../components/ErrorSummary.js";
import { Field } from "../Home.js";
import type { SignedIn } from "../../session.js";

/** The departments the default rules name as issuers; another id is shown as it is. */
const DEPARTMENTS = new Set(["civil-affairs", "health", "healthcare-security", "human-resources", "public-security", "transport"]);

export function Services() {
  return <SignedInOnly>{(me) => <ServicesScreen me={me} />}</SignedInOnly>;
}

/** Services received without applying and offers; notices agencies were sent about my consents; my deletion and correction requests. */
function ServicesScreen({ me }: { me: SignedIn }) {
  const { t, lang } = useT();
  const directory = useDirectory();
  const [services, setServices] = useState<CitizenService[]>();
  const [requests, setRequests] = useState<CitizenDataRequests>();
  const [agencies, setAgencies] = useState<string[]>([]);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const load = () => {
    Promise.all([myServices(me.session), myDataRequests(me.session), myConsents(me.session)])
      .then(([list, reqs, { consents, statutory }]) => {
        setServices(list);
        setRequests(reqs);
        setAgencies([...new Set([...consents.map((c) => c.agency.toLowerCase()), ...statutory.map((s) => s.agency.toLowerCase())])]);
      })
      .catch((e: unknown) => setError(errorText(codeOf(e))));
  };
  useEffect(load, [me.session.token]);

  async function answer(service: CitizenService, action: "decline" | "accept") {
    setDone(undefined);
    try {
      await (action === "decline" ? declineMyService(me.session, service.id) : acceptMyService(me.session, service.id));
      setError(undefined);
      setDone(t(action === "decline" ? "services.declined" : "services.accepted"));
      load();
    } catch (e) {
      setError(errorText(codeOf(e)));
    }
  }

  async function send(event: Event) {
    event.preventDefault();
    setDone(undefined);
    const form = event.currentTarget as HTMLFormElement;
    const agency = (form.elements.namedItem("request-agency") as HTMLSelectElement).value;
    const kind = (form.querySelector("input[name=request-kind]:checked") as HTMLInputElement | null)?.value as DataRequestKind | undefined;
    const details = (form.elements.namedItem("request-details") as HTMLTextAreaElement).value.trim();
    const found: FieldError[] = [];
    if (!agency) found.push({ field: "request-agency", text: t("services.agencyMissing") });
    if (!kind) found.push({ field: "request-kind-deletion", text: t("services.kindMissing") });
    if (kind === "correction" && !details) found.push({ field: "request-details", text: t("services.detailsMissing") });
    setErrors(found);
    if (found.length) return;
    try {
      await sendMyDataRequest(me.session, { agency, kind: kind!, details });
      form.reset();
      setDone(t("services.requestSent"));
      load();
    } catch (e) {
      setErrors([{ text: errorText(codeOf(e)) }]);
    }
  }

  const name = (account: string) => (directory && agencyName(directory, account, lang)) ?? t("accesses.unknownAgency");
  const received = services?.filter((s) => s.state !== "offered") ?? [];
  const offers = services?.filter((s) => s.state === "offered") ?? [];
  const card = (s: CitizenService) => (
    <li class={`card service state-${s.state}`} key={s.id} data-service={s.rule} data-state={s.state}>
      <h3 class="card-title">{s.name?.[lang] ?? s.rule}</h3>
      <p class={`status state-${s.state}`}>{t(`services.state_${s.state}`)}</p>
      <dl>
        {s.issuer && (
          <>
            <dt>{t("services.issuer")}</dt>
            <dd>{DEPARTMENTS.has(s.issuer) ? t(`services.department_${s.issuer}`) : s.issuer}</dd>
          </>
        )}
        <dt>{t("services.kind")}</dt>
        <dd>{t(`services.delivery_${s.delivery.kind}`)}</dd>
        {s.delivery.amountFen !== undefined && (
          <>
            <dt>{t("services.amount")}</dt>
            <dd>{t("services.yuan", { amount: (s.delivery.amountFen / 100).toFixed(2) })}</dd>
          </>
        )}
        <dt>{t("services.when")}</dt>
        <dd>{formatDate(s.deliveredAt ?? s.createdAt, lang)}</dd>
      </dl>
      {(s.state === "delivered" || s.state === "offered") && (
        <p class="actions">
          {s.state === "offered" && (
            <button type="button" class="primary" onClick={() => void answer(s, "accept")}>
              {t("services.accept")}
            </button>
          )}
          <button type="button" class="warning" onClick={() => void answer(s, "decline")}>
            {t("services.decline")}
          </button>
        </p>
      )}
    </li>
  );

  return (
    <main id="main" tabIndex={-1}>
      <h1>{t("services.title")}</h1>
      <p class="lead">{t("services.intro")}</p>
      <p>
        <a href="/me/approvals">{t("approvals.link")}</a>
      </p>
      {error && (
        <p class="error-summary" role="alert">
          {error}
        </p>
      )}
      {done && (
        <p role="status" class="notice">
          {done}
        </p>
      )}
      {!services || !requests || !directory ? (
        !error && <p>{t("app.loading")}</p>
      ) : (
        <>
          <section aria-labelledby="received-title">
            <h2 id="received-title">{t("services.receivedTitle")}</h2>
            {received.length === 0 ? <p>{t("services.receivedEmpty")}</p> : <ul class="cards services">{received.map(card)}</ul>}
          </section>
          <section aria-labelledby="offers-title">
            <h2 id="offers-title">{t("services.offersTitle")}</h2>
            {offers.length === 0 ? (
              <p>{t("services.offersEmpty")}</p>
            ) : (
              <>
                <p>{t("services.offersIntro")}</p>
                <ul class="cards offers">{offers.map(card)}</ul>
              </>
            )}
          </section>
          <section aria-labelledby="notices-title">
            <h2 id="notices-title">{t("services.noticesTitle")}</h2>
            {requests.notices.length === 0 ? (
              <p>{t("services.noticesEmpty")}</p>
            ) : (
              <ul class="cards notices">
                {requests.notices.map((n) => (
                  <li class={`card notice-card state-${n.state}`} key={n.id} data-notice={n.event} data-state={n.state}>
                    <h3 class="card-title">{name(n.agency)}</h3>
                    <p>{t(`services.event_${n.event === "consent.expired" ? "expired" : "revoked"}`)}</p>
                    <p class={`status state-${n.state}`}>
                      {n.state === "acknowledged" && n.acknowledgedAt !== undefined
                        ? t("services.acknowledgedAt", { when: formatDate(n.acknowledgedAt, lang) })
                        : t(`services.delivery_state_${n.state}`)}
                    </p>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="requests-title">
            <h2 id="requests-title">{t("services.requestsTitle")}</h2>
            <p>{t("services.requestsIntro")}</p>
            {requests.requests.length > 0 && (
              <ul class="cards requests">
                {requests.requests.map((r) => (
                  <li class={`card request state-${r.state}`} key={r.id} data-request={r.kind} data-state={r.state}>
                    <h3 class="card-title">
                      {t(`services.kind_${r.kind}`)} · {name(r.agency)}
                    </h3>
                    <p class={`status state-${r.state}`}>
                      {r.answer ? t(`services.answer_${r.answer.outcome}`, { when: formatDate(r.answer.at, lang) }) : t("services.waiting", { when: formatDate(r.createdAt, lang) })}
                    </p>
                    {r.answer?.note && <p class="answer-note">{r.answer.note}</p>}
                    {r.details && <p class="hint">{r.details}</p>}
                  </li>
                ))}
              </ul>
            )}
            <h3>{t("services.newRequest")}</h3>
            <ErrorSummary errors={errors} />
            {agencies.length === 0 ? (
              <p>{t("services.noAgencies")}</p>
            ) : (
              <form onSubmit={send} noValidate>
                <Field id="request-agency" label={t("services.agencyLabel")} error={fieldError(errors, "request-agency")}>
                  <select id="request-agency" name="request-agency">
                    <option value="">{t("services.agencyChoose")}</option>
                    {agencies.map((a) => (
                      <option key={a} value={a}>
                        {name(a)}
                      </option>
                    ))}
                  </select>
                </Field>
                <fieldset class={fieldError(errors, "request-kind-deletion") ? "field has-error" : "field"}>
                  <legend>{t("services.kindLabel")}</legend>
                  {fieldError(errors, "request-kind-deletion") && <p class="field-error">{fieldError(errors, "request-kind-deletion")}</p>}
                  {(["deletion", "correction"] as const).map((k) => (
                    <label key={k} class="choice">
                      <input type="radio" id={`request-kind-${k}`} name="request-kind" value={k} /> {t(`services.kind_${k}`)}
                    </label>
                  ))}
                </fieldset>
                <Field id="request-details" label={t("services.detailsLabel")} hint={t("services.detailsHint")} error={fieldError(errors, "request-details")}>
                  <textarea id="request-details" name="request-details" rows={3} maxLength={2000} />
                </Field>
                <button type="submit" class="primary">
                  {t("services.send")}
                </button>
              </form>
            )}
          </section>
        </>
      )}
    </main>
  );
}
