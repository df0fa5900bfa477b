import { formatDate, useT } from "../../i18n/index.js";
import type { EnterpriseCredit } from "./api.js";

export type CreditEntry = EnterpriseCredit["entries"][number];
export type CreditRepair = EnterpriseCredit["repairs"][number];

/** One red- or black-list entry: the list, its legal basis and reason, its dates and status now, and the repair applications for it. */
export function CreditEntryCard({ entry: e, repairs }: { entry: CreditEntry; repairs: CreditRepair[] }) {
  const { t, lang } = useT();
  const date = (s: string) => formatDate(Number(s) * 1000, lang);
  return (
    <li class={`card credit-${e.kind}`} data-entry={e.entryId} data-kind={e.kind} data-status={e.status}>
      <h3 class="card-title">
        {t(`enterprise.kind_${e.kind}`)}: {e.list}
      </h3>
      <p class={`status status-${e.status}`}>{t(`enterprise.entryStatus_${e.status}`, { defaultValue: e.status, ended: date(e.endedAt) })}</p>
      <dl>
        <dt>{t("enterprise.reason")}</dt>
        <dd>{e.reason}</dd>
        <dt>{t("enterprise.from")}</dt>
        <dd>{date(e.startsAt)}</dd>
        <dt>{t("enterprise.until")}</dt>
        <dd>{e.endsAt === "0" ? t("enterprise.untilEnded") : date(e.endsAt)}</dd>
      </dl>
      {/* The provision's text stays off chain; its hash is what the entry rests on (docs/credit.md). */}
      <p>
        {t("enterprise.legalBasis")} <span class="hex">{e.legalBasis}</span>
      </p>
      {repairs.length > 0 && (
        <>
          <h4>{t("enterprise.repairsTitle")}</h4>
          <ul>
            {repairs.map((r) => (
              <li key={r.repairId} data-repair={r.repairId} data-status={r.status}>
                {t(`enterprise.repairStatus_${r.status}`, { filed: date(r.filedAt), decided: date(r.decidedAt), reason: r.decisionReason })}
              </li>
            ))}
          </ul>
        </>
      )}
      <details>
        <summary>{t("accesses.hex")}</summary>
        <dl class="hex">
          <dt>ID</dt>
          <dd>{e.entryId}</dd>
          <dt>{t("enterprise.authority")}</dt>
          <dd>{e.authority}</dd>
        </dl>
      </details>
    </li>
  );
}
