// One access record as a card, for the citizen's "who read my data" list and the auditor's trace:
// agency, purpose and categories by name, the time localised, and the reason when refused. Each
// screen adds its own rows (the auditor: whose record; the citizen: the legal basis) and what follows
// the card's facts (the citizen: the proof badge and the hex details).
import type { ComponentChildren } from "preact";
import { errorText, formatDateTime, useT } from "../i18n/index.js";
import type { AccessRecordJson } from "../api/citizen.js";
import { agencyName, categoryNames, purposeName, type Directory } from "../api/directory.js";
import { communityFactsOf } from "@imi-ledger/sdk";

export type AccessCardProps = {
  record: AccessRecordJson;
  directory: Directory;
  /** The heading level that fits the screen's outline. */
  heading: "h2" | "h3";
  /** Rows shown before the purpose. */
  leadingRows?: ComponentChildren;
  /** Rows shown after the reason. */
  trailingRows?: ComponentChildren;
  /** Shown after the card's facts. */
  children?: ComponentChildren;
};

export function AccessCard({ record: r, directory, heading: Heading, leadingRows, trailingRows, children }: AccessCardProps) {
  const { t, lang } = useT();
  const allowed = r.decision === "allowed";
  // A neighbour's view of shared community facts: no agency, purpose or data category, but the facts shown.
  const community = (r.kind as string) === "community";
  return (
    <li class={`card ${allowed ? "allowed" : "refused"}`} data-seq={r.seq} data-decision={r.decision}>
      <Heading class="card-title">
        <span class={`decision ${allowed ? "allowed" : "refused"}`}>{allowed ? t("accesses.allowed") : t("accesses.refused")}</span>{" "}
        {community ? t("community.aNeighbour") : (agencyName(directory, r.agency, lang) ?? t("accesses.unknownAgency"))}
      </Heading>
      <p class="what">{t(`accesses.kind_${r.kind}`)}</p>
      <dl>
        {leadingRows}
        <dt>{t("accesses.purpose")}</dt>
        <dd>{community ? t("community.viewPurpose") : /^0x0{64}$/.test(r.purpose) ? "—" : (purposeName(directory, r.purpose, lang) ?? t("accesses.unknownPurpose"))}</dd>
        <dt>{t("accesses.categories")}</dt>
        <dd>{r.scopes === "0" ? "—" : community ? communityFactsOf(r.scopes).map((f) => t(`community.fact_${f}`)).join("、") : categoryNames(directory, r.scopes, lang)}</dd>
        <dt>{t("accesses.when")}</dt>
        <dd>
          <time dateTime={new Date(r.time).toISOString()}>{formatDateTime(r.time, lang)}</time>
        </dd>
        {!allowed && (
          <>
            <dt>{t("accesses.reason")}</dt>
            <dd data-reason={r.reason}>{errorText(r.reason)}</dd>
          </>
        )}
        {trailingRows}
      </dl>
      {children}
    </li>
  );
}
