import { useEffect, useState } from "preact/hooks";
import { errorText, useT } from "../../i18n/index.js";
import { followMyAccesses, myAccesses, type AccessRecordJson } from "../../api/citizen.js";
import { codeOf } from "../../api/http.js";
import type { Directory } from "../../api/directory.js";
import { useDirectory } from "../../useDirectory.js";
import { ProofBadge } from "../../components/ProofBadge.js";
import { AccessCard } from "../../components/AccessCard.js";
import { SignedInOnly } from "../../components/SignedInOnly.js";
import { RecoveryAlert } from "../../components/RecoveryAlert.js";
import type { SignedIn } from "../../session.js";

export function Accesses() {
  return <SignedInOnly>{(me) => <AccessList me={me} />}</SignedInOnly>;
}

/** "Who read my data": every access, newest first, live. */
function AccessList({ me }: { me: SignedIn }) {
  const { t } = useT();
  const directory = useDirectory();
  const [records, setRecords] = useState<AccessRecordJson[] | undefined>();
  const [error, setError] = useState<string>();
  const [live, setLive] = useState(false);
  const [fresh, setFresh] = useState(0);

  useEffect(() => {
    const abort = new AbortController();
    let newest = 0;
    let loaded = false;
    const add = (r: AccessRecordJson) => {
      newest = Math.max(newest, r.seq);
      setRecords((list) => {
        if (list?.some((x) => x.seq === r.seq)) return list;
        setFresh((n) => n + 1);
        return [r, ...(list ?? [])];
      });
    };
    // The stream can end (a proxy or the server closes idle connections): follow it again, and
    // fetch what was logged in between so nothing is missed (duplicates are dropped by seq).
    const follow = async () => {
      while (!abort.signal.aborted) {
        await followMyAccesses(me.session, add, () => setLive(true), abort.signal).catch(() => undefined);
        setLive(false);
        if (abort.signal.aborted) return;
        await new Promise((resolve) => setTimeout(resolve, 1000));
        if (loaded) await myAccesses(me.session, newest).then((gap) => gap.forEach(add), () => undefined);
      }
    };
    // Follow first, then list: nothing that happens in between is missed.
    void follow();
    (async () => {
      const all: AccessRecordJson[] = [];
      let after: number | undefined;
      for (;;) {
        const page = await myAccesses(me.session, after);
        all.push(...page);
        if (page.length < 100) break;
        after = page[page.length - 1].seq;
      }
      for (const r of all) newest = Math.max(newest, r.seq);
      loaded = true;
      setRecords((list) => {
        const seen = new Set(all.map((r) => r.seq));
        return [...(list ?? []).filter((r) => !seen.has(r.seq)), ...all].sort((a, b) => b.seq - a.seq);
      });
    })().catch((e: unknown) => setError(errorText(codeOf(e))));
    return () => abort.abort();
  }, [me.session.token]);

  return (
    <main id="main" tabIndex={-1}>
      <RecoveryAlert me={me} />
      <h1>{t("accesses.title")}</h1>
      <p class="lead">{t("accesses.intro")}</p>
      <p class={live ? "live on" : "live"} data-live={live ? "on" : "off"}>
        {live ? t("accesses.liveOn") : t("accesses.liveOff")}
      </p>
      <div role="status" aria-live="polite" class="notice-slot">
        {fresh > 0 && (
          <p class="notice" data-testid="new-access-notice">
            {t("accesses.newNotice", { count: fresh })}
          </p>
        )}
      </div>
      {error && (
        <p class="error-summary" role="alert">
          {error}
        </p>
      )}
      {!records || !directory ? (
        !error && <p>{t("app.loading")}</p>
      ) : records.length === 0 ? (
        <p>{t("accesses.empty")}</p>
      ) : (
        <ol class="cards accesses" reversed>
          {records.map((r) => (
            <CitizenAccessCard key={r.seq} record={r} directory={directory} />
          ))}
        </ol>
      )}
    </main>
  );
}

function CitizenAccessCard({ record: r, directory }: { record: AccessRecordJson; directory: Directory }) {
  const { t } = useT();
  const statutory = r.basis === "statutory" && (
    <>
      <dt>{t("accesses.legalBasis")}</dt>
      <dd>{t("accesses.basis_statutory")}</dd>
    </>
  );
  return (
    <AccessCard record={r} directory={directory} heading="h2" trailingRows={statutory}>
      <ProofBadge record={r} />
      <details>
        <summary>{t("accesses.hex")}</summary>
        <dl class="hex">
          <dt>{t("accesses.record", { seq: r.seq })}</dt>
          <dd>{r.recordHash}</dd>
          <dt>{t("accesses.agency")}</dt>
          <dd>{r.agency}</dd>
          <dt>{t("accesses.purpose")}</dt>
          <dd>{r.purpose}</dd>
          <dt>{t("accesses.reason")}</dt>
          <dd>{r.reason}</dd>
        </dl>
      </details>
    </AccessCard>
  );
}
