import { ErrorBoundary, LocationProvider, Route, Router, lazy, useLocation } from "preact-iso";
import { setLanguage, useT } from "./i18n/index.js";
import { setSignedIn, useSignedIn } from "./session.js";
import { useLargeText } from "./textSize.js";
import { Home } from "./screens/Home.js";
import { EnterpriseBanner, EnterpriseNav } from "./screens/enterprise/EnterpriseHeader.js";
import { useActingFor } from "./screens/enterprise/acting.js";

// Route-level code splitting: the first load is the shell and the start screen; signing, proofs
// and each role's screens load when first opened.
const Accesses = lazy(() => import("./screens/citizen/Accesses.js").then((m) => m.Accesses));
const Consents = lazy(() => import("./screens/citizen/Consents.js").then((m) => m.Consents));
const ConfirmChange = lazy(() => import("./screens/citizen/ConfirmChange.js").then((m) => m.ConfirmChange));
const ChangeDone = lazy(() => import("./screens/citizen/ConfirmChange.js").then((m) => m.ChangeDone));
const CancelRecovery = lazy(() => import("./screens/citizen/CancelRecovery.js").then((m) => m.CancelRecovery));
const Credentials = lazy(() => import("./screens/citizen/Credentials.js").then((m) => m.Credentials));
const CredentialsDisclose = lazy(() => import("./screens/citizen/CredentialsDisclose.js").then((m) => m.CredentialsDisclose));
const ConsentRequest = lazy(() => import("./screens/citizen/ConsentRequest.js").then((m) => m.ConsentRequest));
const Identity = lazy(() => import("./screens/citizen/Identity.js").then((m) => m.Identity));
const Guardianship = lazy(() => import("./screens/citizen/Guardianship.js").then((m) => m.Guardianship));
const Community = lazy(() => import("./screens/citizen/Community.js").then((m) => m.Community));
const Passkey = lazy(() => import("./screens/citizen/Passkey.js").then((m) => m.Passkey));
const MyCode = lazy(() => import("./screens/citizen/MyCode.js").then((m) => m.MyCode));
const Services = lazy(() => import("./screens/citizen/Services.js").then((m) => m.Services));
const Approvals = lazy(() => import("./screens/citizen/Approvals.js").then((m) => m.Approvals));
const Verifier = lazy(() => import("./screens/verifier/Verifier.js").then((m) => m.Verifier));
const Auditor = lazy(() => import("./screens/auditor/Auditor.js").then((m) => m.Auditor));
const Counter = lazy(() => import("./screens/counter/Counter.js").then((m) => m.Counter));
const Agency = lazy(() => import("./screens/agency/Agency.js").then((m) => m.Agency));
const Enterprises = lazy(() => import("./screens/enterprise/Enterprises.js").then((m) => m.Enterprises));
const EnterpriseTracker = lazy(() => import("./screens/enterprise/EnterpriseTracker.js").then((m) => m.EnterpriseTracker));
const EnterpriseConsents = lazy(() => import("./screens/enterprise/EnterpriseConsents.js").then((m) => m.EnterpriseConsents));
const EnterpriseCredit = lazy(() => import("./screens/enterprise/EnterpriseCredit.js").then((m) => m.EnterpriseCredit));
const EnterpriseStaff = lazy(() => import("./screens/enterprise/EnterpriseStaff.js").then((m) => m.EnterpriseStaff));
const EnterpriseCode = lazy(() => import("./screens/enterprise/EnterpriseCode.js").then((m) => m.EnterpriseCode));
const StatutoryReview = lazy(() => import("./screens/auditor/StatutoryReview.js").then((m) => m.StatutoryReview));

function Header() {
  const { t, lang } = useT();
  const [large, toggleLarge] = useLargeText();
  const me = useSignedIn();
  const { route, path } = useLocation();
  const actingForEnterprise = useActingFor();
  return (
    <header class="top">
      <a class="skip" href="#main">
        {t("app.skip")}
      </a>
      <div class="bar">
        <a class="brand" href="/">
          {t("app.name")}
        </a>
        <div class="tools">
          <button type="button" class="tool" lang={lang === "en" ? "zh-CN" : "en"} aria-label={t("app.switchToLabel")} onClick={() => void setLanguage(lang === "en" ? "zh-CN" : "en")}>
            {t("app.switchTo")}
          </button>
          <button type="button" class="tool" aria-pressed={large} onClick={toggleLarge}>
            {large ? t("app.normalText") : t("app.largerText")}
          </button>
          {me && (
            <button
              type="button"
              class="tool"
              onClick={() => {
                setSignedIn(undefined);
                route("/");
              }}
            >
              {t("app.signOut")}
            </button>
          )}
        </div>
      </div>
      {me?.session.asGuardian && (
        <p class="acting-banner" data-acting-for={me.session.citizen}>
          <a href="/me/guardianship">{t("guardianship.actingBanner")}</a>
        </p>
      )}
      <EnterpriseBanner />
      {me && actingForEnterprise && <EnterpriseNav path={path} />}
      {me && !actingForEnterprise && (
        <nav aria-label={t("app.nav")} class="tabs">
          <a href="/me/accesses" aria-current={path === "/me/accesses" ? "page" : undefined}>
            {t("accesses.title")}
          </a>
          <a href="/me/consents" aria-current={path.startsWith("/me/consents") ? "page" : undefined}>
            {t("consents.title")}
          </a>
          <a href="/me/credentials" aria-current={path.startsWith("/me/credentials") ? "page" : undefined}>
            {t("credentials.title")}
          </a>
          <a href="/me/services" aria-current={path === "/me/services" ? "page" : undefined}>
            {t("services.title")}
          </a>
          <a href="/me/code" aria-current={path === "/me/code" ? "page" : undefined}>
            {t("myCode.title")}
          </a>
          <a href="/me/identity" aria-current={path === "/me/identity" ? "page" : undefined}>
            {t("identity.title")}
          </a>
          <a href="/me/guardianship" aria-current={path === "/me/guardianship" ? "page" : undefined}>
            {t("guardianship.title")}
          </a>
          <a href="/me/community" aria-current={path === "/me/community" ? "page" : undefined}>
            {t("community.nav")}
          </a>
          <a href="/enterprise" aria-current={path === "/enterprise" ? "page" : undefined}>
            {t("enterprise.title")}
          </a>
        </nav>
      )}
    </header>
  );
}

function NotFound() {
  const { t } = useT();
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t("app.notFound")}</h1>
      <p>
        <a href="/">{t("app.home")}</a>
      </p>
    </main>
  );
}

export function App() {
  return (
    <LocationProvider>
      <Header />
      <ErrorBoundary>
        <Router>
          <Route path="/" component={Home} />
          <Route path="/me/accesses" component={Accesses} />
          <Route path="/me/consents" component={Consents} />
          <Route path="/me/consents/request" component={ConsentRequest} />
          <Route path="/me/credentials" component={Credentials} />
          <Route path="/me/credentials/:credentialHash/:claim" component={CredentialsDisclose} />
          <Route path="/me/identity" component={Identity} />
          <Route path="/me/code" component={MyCode} />
          <Route path="/me/services" component={Services} />
          <Route path="/me/approvals" component={Approvals} />
          <Route path="/me/guardianship" component={Guardianship} />
          <Route path="/me/community" component={Community} />
          <Route path="/enterprise" component={Enterprises} />
          <Route path="/enterprise/tracker" component={EnterpriseTracker} />
          <Route path="/enterprise/consents" component={EnterpriseConsents} />
          <Route path="/enterprise/credit" component={EnterpriseCredit} />
          <Route path="/enterprise/staff" component={EnterpriseStaff} />
          <Route path="/enterprise/code" component={EnterpriseCode} />
          <Route path="/passkey" component={Passkey} />
          <Route path="/me/consents/:consentId/:action" component={ConfirmChange} />
          <Route path="/me/consents/:consentId/:action/done" component={ChangeDone} />
          <Route path="/me/recovery/cancel" component={CancelRecovery} />
          <Route path="/counter" component={Counter} />
          <Route path="/agency" component={Agency} />
          <Route path="/verifier" component={Verifier} />
          <Route path="/auditor/statutory" component={StatutoryReview} />
          <Route path="/auditor" component={Auditor} />
          <Route default component={NotFound} />
        </Router>
      </ErrorBoundary>
    </LocationProvider>
  );
}
