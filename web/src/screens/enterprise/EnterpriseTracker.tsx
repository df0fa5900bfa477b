import { useEffect, useState } from "preact/hooks";
import { errorText, useT } from "../../i18n/index.js";
import { codeOf } from "../../api/http.js";
import type { AccessRecordJson } from "../../api/citizen.js";
import { useDirectory } from "../../useDirectory.js";
import { AccessCard } from "../../components/AccessCard.js";
import type { SignedIn } from "../../session.js";
import type { RepresentedEnterprise } from "./acting.js";
import { enterpriseTracker, type EnterpriseTracker as Tracker } from "./api.js";
import { ActingOnly, ErrorLine } from "./ActingOnly.js";
import { CreditEntryCard } from "./CreditEntryCard.js";

export function EnterpriseTracker() {
  const { t } = useT();
  return <ActingOnly title={t("enterprise.trackerTitle")}>{(me, acting) => <TrackerScreen me={me} acting={acting} />}</ActingOnly>;
}

/** Who read the enterprise's data (every access, allowed or refused, newest first) and its credit history. */
function TrackerScreen({ me, acting }: { me: SignedIn; acting: RepresentedEnterprise }) {
  const { t } = useT();
  const directory = useDirectory();
  const [data, setData] = useState<Tracker>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    setData(undefined);
    setError(undefined);
    enterpriseTracker(me, acting.enterprise).then(setData, (e: unknown) => setError(errorText(codeOf(e))));
  }, [me.session.token, acting.enterprise]);
  const accesses = data ? ([...data.accesses].reverse() as unknown as AccessRecordJson[]) : [];
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t("enterprise.trackerTitle")}</h1>
      <p class="lead">{t("enterprise.trackerIntro")}</p>
      <ErrorLine text={error} />
      {!data || !directory ? (
        !error && <p>{t("app.loading")}</p>
      ) : (
        <>
          <section aria-labelledby="accesses-title">
            <h2 id="accesses-title">{t("enterprise.accessesTitle")}</h2>
            {accesses.length === 0 ? (
              <p>{t("enterprise.noAccesses")}</p>
            ) : (
              <ul class="cards">
                {accesses.map((r) => (
                  <AccessCard key={r.seq} record={r} directory={directory} heading="h3" />
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="credit-title">
            <h2 id="credit-title">{t("enterprise.creditHistoryTitle")}</h2>
            {data.credit.entries.length === 0 ? (
              <p>{t("enterprise.noEntries")}</p>
            ) : (
              <ul class="cards">
                {data.credit.entries.map((e) => (
                  <CreditEntryCard key={e.entryId} entry={e} repairs={data.credit.repairs.filter((r) => r.entryId === e.entryId)} />
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </main>
  );
}
