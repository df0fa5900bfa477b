import { useEffect, useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import { errorText, formatDate, useT } from "../../i18n/index.js";
import { changeMyConsent, myConsents, type ConsentAction, type ConsentJson } from "../../api/citizen.js";
import { codeOf } from "../../api/http.js";
import { agencyName, categoryNames, purposeName } from "../../api/directory.js";
import { useDirectory } from "../../useDirectory.js";
import { SignedInOnly } from "../../components/SignedInOnly.js";
import type { SignedIn } from "../../session.js";
import { ACTIONS_BY_STATUS, statusOf } from "./consentView.js";

const ACTIONS: readonly ConsentAction[] = ["revoke", "pause", "resume"];

export function ConfirmChange() {
  return <SignedInOnly>{(me) => <Confirm me={me} />}</SignedInOnly>;
}

/** GOV.UK "check your answers": what will be signed, in plain words, then one button that signs it. */
function Confirm({ me }: { me: SignedIn }) {
  const { t, lang } = useT();
  const { params } = useRoute();
  const { route } = useLocation();
  const directory = useDirectory();
  const action = params.action as ConsentAction;
  const [consent, setConsent] = useState<ConsentJson | null>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    myConsents(me.session)
      .then(({ consents }) => setConsent(consents.find((c) => c.consentId.toLowerCase() === params.consentId.toLowerCase()) ?? null))
      .catch((e: unknown) => setError(errorText(codeOf(e))));
  }, [params.consentId]);

  if (!ACTIONS.includes(action) || consent === null || (consent && !ACTIONS_BY_STATUS[statusOf(consent)].includes(action)))
    return (
      <main id="main" tabIndex={-1}>
        <h1>{t("app.notFound")}</h1>
        <a href="/me/consents">{t("change.toConsents")}</a>
      </main>
    );
  if (!consent || !directory)
    return (
      <main id="main" tabIndex={-1}>
        {error ? <p role="alert" class="error-summary">{error}</p> : <p>{t("app.loading")}</p>}
      </main>
    );
  const words = {
    agency: agencyName(directory, consent.agency, lang) ?? t("accesses.unknownAgency"),
    purpose: purposeName(directory, consent.purpose, lang) ?? t("accesses.unknownPurpose"),
    categories: categoryNames(directory, consent.scopes, lang),
    until: formatDate(Number(consent.validUntil) * 1000, lang),
  };
  async function confirm() {
    setBusy(true);
    setError(undefined);
    try {
      await changeMyConsent(me.account, action, consent!.consentId);
      route(`/me/consents/${consent!.consentId}/${action}/done`);
    } catch (e) {
      setError(errorText(codeOf(e)));
      setBusy(false);
    }
  }
  return (
    <main id="main" tabIndex={-1}>
      <a class="back" href="/me/consents">
        {t("app.back")}
      </a>
      <h1>{t(`change.title_${action}`)}</h1>
      {error && (
        <div class="error-summary" role="alert">
          <p>{error}</p>
        </div>
      )}
      <p class="explain" data-testid="plain-words">
        {t(`change.explain_${action}`, words)}
      </p>
      <dl class="summary">
        <dt>{t("accesses.agency")}</dt>
        <dd>{words.agency}</dd>
        <dt>{t("accesses.purpose")}</dt>
        <dd>{words.purpose}</dd>
        <dt>{t("accesses.categories")}</dt>
        <dd>{words.categories}</dd>
      </dl>
      <p class="signs">{t("change.signs")}</p>
      <button type="button" class={action === "revoke" ? "warning" : "primary"} disabled={busy} onClick={() => void confirm()}>
        {busy ? t("change.working") : t(`change.confirm_${action}`)}
      </button>{" "}
      <a href="/me/consents" class="button secondary">
        {t("app.cancel")}
      </a>
    </main>
  );
}

export function ChangeDone() {
  const { t } = useT();
  const { params } = useRoute();
  const action = ACTIONS.includes(params.action as ConsentAction) ? (params.action as ConsentAction) : "revoke";
  return (
    <main id="main" tabIndex={-1}>
      <div class="panel" role="status">
        <h1>{t(`change.done_${action}`)}</h1>
      </div>
      <p>{t("change.doneNext")}</p>
      <p>
        <a href="/me/accesses" class="button primary">
          {t("change.toAccesses")}
        </a>
      </p>
      <p>
        <a href="/me/consents">{t("change.toConsents")}</a>
      </p>
    </main>
  );
}
