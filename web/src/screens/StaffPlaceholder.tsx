import { useLocation } from "preact-iso";
import { useT } from "../i18n/index.js";

/** The staff doors that the web app does not open yet: say so plainly and point to what works today. */
export function StaffPlaceholder() {
  const { t } = useT();
  const { path } = useLocation();
  const role = path.startsWith("/counter") ? "counter" : path.startsWith("/agency") ? "agency" : "auditor";
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t(`${role}.title`)}</h1>
      <p>{t(`${role}.comingSoon`)}</p>
      <p>
        <a href="/">{t("app.home")}</a>
      </p>
    </main>
  );
}
