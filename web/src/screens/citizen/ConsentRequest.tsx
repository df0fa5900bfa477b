import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { enterpriseIdOf, parseConsentRequestLink, purposeCode, type ConsentRequest as Request, type Hex, type Relayed } from "@imi-ledger/sdk";
import { errorText, formatDate, formatNumber, useT } from "../../i18n/index.js";
import { codeOf } from "../../api/http.js";
import { agencyName, purposeName, type Directory } from "../../api/directory.js";
import { grantFromRequest } from "../../api/consentRequest.js";
import { useDirectory } from "../../useDirectory.js";
import { useSignedIn, type SignedIn } from "../../session.js";
import { rememberReturnPath } from "../../returnPath.js";
import { enterpriseLabel, useActingFor } from "../enterprise/acting.js";

/** An agency's consent request link, opened: what is asked, by name, then one button that signs the grant. */
export function ConsentRequest() {
  const me = useSignedIn();
  const { route, url } = useLocation();
  useEffect(() => {
    if (!me) {
      // Signed out (or the page was reloaded): sign in first, then come back to this same link.
      rememberReturnPath(url);
      route("/", true);
    }
  }, [me]);
  return me ? <Ask me={me} /> : null;
}

function Ask({ me }: { me: SignedIn }) {
  const { t, lang } = useT();
  const directory = useDirectory();
  const { url } = useLocation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<Relayed>();
  const acting = useActingFor();
  if (!directory)
    return (
      <main id="main" tabIndex={-1}>
        <p>{t("app.loading")}</p>
      </main>
    );
  const categories = directory.categories.map((c) => c.id);
  let request: Request;
  try {
    request = parseConsentRequestLink(url.slice(url.indexOf("?") >= 0 ? url.indexOf("?") : url.length), categories);
  } catch (e) {
    return (
      <main id="main" tabIndex={-1}>
        <h1>{t("consentRequest.badTitle")}</h1>
        <p class="error-summary" role="alert" data-code={codeOf(e)}>
          {errorText(codeOf(e))}
        </p>
        <a href="/me/consents">{t("change.toConsents")}</a>
      </main>
    );
  }
  // A request to an enterprise is signed only while acting for that enterprise, and for it, never as her own.
  let subject: { id: Hex; name?: string } = { id: me.session.citizen };
  if (request.enterprise !== undefined) {
    const asked = enterpriseIdOf(request.enterprise).toLowerCase();
    if (acting?.enterprise.toLowerCase() !== asked) {
      // Once she chooses to act for an enterprise, the Enterprises page brings her back to this link.
      rememberReturnPath(url);
      return (
        <main id="main" tabIndex={-1}>
          <h1>{t("enterprise.requestActFirstTitle")}</h1>
          <p data-consent-request-enterprise={asked}>{t("enterprise.requestActFirst", { code: request.enterprise })}</p>
          <p>
            <a href="/enterprise">{t("enterprise.title")}</a>
          </p>
        </main>
      );
    }
    subject = { id: acting.enterprise as Hex, name: enterpriseLabel(acting) };
  }
  const consentsPage = subject.name !== undefined ? "/enterprise/consents" : "/me/consents";
  const words = wordsOf(directory, request, lang, t);
  // The sentences say whose data it is: hers, or the enterprise's she acts for.
  const said = subject.name !== undefined ? { title: "enterprise.requestTitle", explain: "enterprise.requestExplain", doneNext: "enterprise.requestDoneNext" } : { title: "consentRequest.title", explain: "consentRequest.explain", doneNext: "consentRequest.doneNext" };
  const registration = registrationOf(directory, request, lang);
  if (done)
    return (
      <main id="main" tabIndex={-1}>
        <div class="panel" role="status">
          <h1>{t("consentRequest.doneTitle")}</h1>
        </div>
        <p>{t(said.doneNext, { ...words, name: subject.name ?? "" })}</p>
        <p>
          <a href={consentsPage} class="button primary" data-consent-id={done.consentId}>
            {t("change.toConsents")}
          </a>
        </p>
      </main>
    );
  async function grant() {
    setBusy(true);
    setError(undefined);
    try {
      setDone(await grantFromRequest(me.account, subject.id, request, categories));
    } catch (e) {
      setError(errorText(codeOf(e)));
      setBusy(false);
    }
  }
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t(said.title, { agency: words.agency, name: subject.name ?? "" })}</h1>
      {error && (
        <div class="error-summary" role="alert">
          <p>{error}</p>
        </div>
      )}
      {registration.excess && (
        <div class="error-summary" role="alert" data-code="AGENCY_NOT_REGISTERED_FOR">
          <h2>{t("consentRequest.notRegisteredTitle")}</h2>
          <p>{registration.excess === true ? t("consentRequest.unregisteredAgency") : t("consentRequest.notRegistered", { agency: words.agency, categories: registration.excess })}</p>
        </div>
      )}
      <p class="explain" data-testid="plain-words">
        {t(said.explain, { ...words, name: subject.name ?? "" })}
      </p>
      <dl class="summary">
        {subject.name !== undefined && (
          <>
            <dt>{t("enterprise.requestFor")}</dt>
            <dd data-consent-for-enterprise={subject.id}>{t("enterprise.requestForText", { name: subject.name, code: request.enterprise ?? "" })}</dd>
          </>
        )}
        <dt>{t("accesses.agency")}</dt>
        <dd>{words.agency}</dd>
        <dt>{t("accesses.purpose")}</dt>
        <dd>{words.purpose}</dd>
        <dt>{t("accesses.categories")}</dt>
        <dd>{words.categories}</dd>
        {registration.legalBasis && (
          <>
            <dt>{t("consentRequest.declaredPurpose")}</dt>
            <dd data-testid="declared-purpose">{registration.declaredPurpose ?? "—"}</dd>
            <dt>{t("consentRequest.legalBasis")}</dt>
            <dd data-testid="legal-basis">{registration.legalBasis}</dd>
            <dt>{t("consentRequest.contact")}</dt>
            <dd>{registration.contact}</dd>
          </>
        )}
        <dt>{t("consentRequest.window")}</dt>
        <dd>{words.window}</dd>
        <dt>{t("consentRequest.uses")}</dt>
        <dd>{words.uses}</dd>
      </dl>
      <p class="signs">{t("consentRequest.signs")}</p>
      <button type="button" class="primary" disabled={busy || registration.excess !== undefined} onClick={() => void grant()}>
        {busy ? t("change.working") : t("consentRequest.confirm")}
      </button>{" "}
      <a href={consentsPage} class="button secondary">
        {t("consentRequest.decline")}
      </a>
      <details>
        <summary>{t("accesses.hex")}</summary>
        <dl class="hex">
          <dt>{t("accesses.agency")}</dt>
          <dd>{request.agency}</dd>
          <dt>{t("accesses.purpose")}</dt>
          <dd>{request.purpose}</dd>
        </dl>
      </details>
    </main>
  );
}

/**
 * What the agency registered on chain (AgencyRegistry), as the directory tells it: its legal basis and
 * contact, the purpose as it declared it, and, when the request asks for more than it declared for the
 * purpose, those categories by name (the ledger would refuse the grant). Nothing for an agency the
 * directory names without a registration (a deployment made before the registry).
 */
function registrationOf(directory: Directory, r: Request, lang: "zh-CN" | "en"): { legalBasis?: string; contact?: string; declaredPurpose?: string; excess?: string | true } {
  const agency = directory.agencies[r.agency.toLowerCase()];
  if (!agency?.purposes || !agency.legalBasis) return {};
  const code = purposeCode(r.purpose).toLowerCase();
  const declared = agency.purposes[code];
  const asked = r.categories.map((id) => directory.categories.find((c) => c.id === id)).filter((c) => c !== undefined);
  const beyond = asked.filter((c) => declared === undefined || ((BigInt(declared) >> BigInt(c.bit)) & 1n) === 0n).map((c) => c[lang]);
  return {
    legalBasis: agency.legalBasis[lang],
    contact: agency.contact,
    declaredPurpose: declared === undefined ? undefined : purposeName(directory, code, lang),
    ...(Object.keys(agency.purposes).length === 0 ? { excess: true as const } : beyond.length ? { excess: new Intl.ListFormat(lang, { style: "long", type: "conjunction" }).format(beyond) } : {}),
  };
}

function wordsOf(directory: Directory, r: Request, lang: "zh-CN" | "en", t: ReturnType<typeof useT>["t"]) {
  const names = r.categories.map((id) => directory.categories.find((c) => c.id === id)?.[lang] ?? id);
  const until = Date.now() + r.days * 86_400_000;
  return {
    agency: agencyName(directory, r.agency, lang) ?? t("accesses.unknownAgency"),
    purpose: purposeName(directory, purposeCode(r.purpose), lang) ?? r.purpose,
    categories: new Intl.ListFormat(lang, { style: "long", type: "conjunction" }).format(names),
    window: t("consentRequest.windowText", { days: formatNumber(r.days, lang), until: formatDate(until, lang) }),
    uses: r.uses === 0 ? t("consentRequest.usesUnlimited") : t("consentRequest.usesLimit", { count: r.uses }),
  };
}
