// While a representative acts for an enterprise, every screen says so (as the guardian's banner does)
// and the menu is the enterprise's.
import { useT } from "../../i18n/index.js";
import { enterpriseLabel, useActingFor } from "./acting.js";

export function EnterpriseBanner() {
  const { t } = useT();
  const acting = useActingFor();
  if (!acting) return null;
  return (
    <p class="acting-banner" data-acting-for-enterprise={acting.enterprise}>
      <a href="/enterprise">{t("enterprise.actingBanner", { name: enterpriseLabel(acting) })}</a>
    </p>
  );
}

/** The enterprise's menu while acting for it; undefined otherwise, so the citizen's menu shows. */
export function EnterpriseNav({ path }: { path: string }) {
  const { t } = useT();
  const acting = useActingFor();
  if (!acting) return null;
  const tab = (href: string, label: string) => (
    <a href={href} aria-current={path === href ? "page" : undefined}>
      {label}
    </a>
  );
  return (
    <nav aria-label={t("enterprise.nav")} class="tabs enterprise-tabs">
      {tab("/enterprise", t("enterprise.title"))}
      {/* Every screen is offered: one outside her scopes says so in words, as the gateway refuses it. */}
      {tab("/enterprise/tracker", t("enterprise.trackerTitle"))}
      {tab("/enterprise/consents", t("enterprise.consentsTitle"))}
      {tab("/enterprise/credit", t("enterprise.creditTitle"))}
      {tab("/enterprise/staff", t("enterprise.staffTitle"))}
      {tab("/enterprise/code", t("enterprise.codeTitle"))}
    </nav>
  );
}
