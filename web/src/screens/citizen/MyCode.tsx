// "My code" (我的码): the resident's one code, to show at a door, a counter or a hospital reception.
// The page fetches the gateway's staple (its signed word that this key controls the identity now,
// valid a few minutes) and signs a fresh code over it every ONE_CODE_REFRESH_SECONDS, fetching a new
// staple before the old one runs out. The code proves "I am me" and carries no personal data.
import { useEffect, useState } from "preact/hooks";
import { ONE_CODE_REFRESH_SECONDS, createOneCode, type OneCodeStaple } from "@imi-ledger/sdk";
import { errorText, formatDateTime, useT } from "../../i18n/index.js";
import { codeOf } from "../../api/errorCode.js";
import { gateway } from "../../api/client.js";
import { getDeployment } from "../../api/directory.js";
import { QrCode } from "../../components/QrCode.js";
import { ErrorSummary } from "../../components/ErrorSummary.js";
import { SignedInOnly } from "../../components/SignedInOnly.js";
import type { SignedIn } from "../../session.js";

/** A staple is renewed this long before it expires, so a shown code never rides on a dying staple. */
const RENEW_BEFORE_SECONDS = 60;

export function MyCode() {
  return <SignedInOnly>{(me) => <Code me={me} />}</SignedInOnly>;
}

function Code({ me }: { me: SignedIn }) {
  const { t } = useT();
  const [code, setCode] = useState<string>();
  const [madeAt, setMadeAt] = useState<number>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let staple: OneCodeStaple | undefined;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = async () => {
      try {
        const { chainId } = await getDeployment();
        const now = Math.floor(Date.now() / 1000);
        if (!staple || staple.status.expiresAt - now < RENEW_BEFORE_SECONDS) staple = await gateway.getOneCodeStaple({ token: me.session.token });
        const text = await createOneCode(me.account, { chainId, staple });
        if (stopped) return;
        setCode(text);
        setMadeAt(Date.now());
        setError(undefined);
      } catch (e) {
        if (stopped) return;
        // Fails closed: no stale code stays on screen when a new one cannot be made.
        setCode(undefined);
        setError(errorText(codeOf(e)));
      }
      if (!stopped) timer = setTimeout(() => void refresh(), ONE_CODE_REFRESH_SECONDS * 1000);
    };
    void refresh();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [me]);

  return (
    <main id="main" tabIndex={-1}>
      <h1>{t("myCode.title")}</h1>
      <p class="lead">{t("myCode.intro")}</p>
      {error && <ErrorSummary errors={[{ text: error }]} />}
      {code ? (
        <div class="my-code" data-testid="my-code" data-code={code}>
          <QrCode value={code} label={t("myCode.qrLabel")} size={280} />
          <p class="hint" role="status">
            {t("myCode.refreshes", { seconds: ONE_CODE_REFRESH_SECONDS, time: madeAt ? formatDateTime(madeAt) : "" })}
          </p>
        </div>
      ) : (
        !error && <p>{t("app.loading")}</p>
      )}
      <p class="hint">{t("myCode.noData")}</p>
    </main>
  );
}
