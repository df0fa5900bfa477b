// "Enterprise code" (企业码, 一企一码): the enterprise's one code, shown by the representative acting
// for it at a door, a counter or an inspection. As "My code" does for a resident, the page fetches the
// gateway's staple — here one that also names the enterprise and the scopes she holds for it, which
// the gateway signs only after finding her on chain — and her key signs a fresh code over it every
// ONE_CODE_REFRESH_SECONDS. A verifier learns which enterprise she acts for and what she may do for
// it; the check is logged under the enterprise, in its tracker.
import { useEffect, useState } from "preact/hooks";
import { ONE_CODE_REFRESH_SECONDS, createOneCode, enterpriseScopeNames, enterpriseScopesOf, type Hex, type OneCodeStaple } from "@imi-ledger/sdk";
import { errorText, formatDateTime, useT } from "../../i18n/index.js";
import { codeOf } from "../../api/errorCode.js";
import { gateway } from "../../api/client.js";
import { getDeployment } from "../../api/directory.js";
import { QrCode } from "../../components/QrCode.js";
import type { SignedIn } from "../../session.js";
import { enterpriseLabel, type RepresentedEnterprise } from "./acting.js";
import { ActingOnly, ErrorLine } from "./ActingOnly.js";

/** A staple is renewed this long before it expires, so a shown code never rides on a dying staple. */
const RENEW_BEFORE_SECONDS = 60;

export function EnterpriseCode() {
  const { t } = useT();
  return <ActingOnly title={t("enterprise.codeTitle")}>{(me, acting) => <Code me={me} acting={acting} />}</ActingOnly>;
}

function Code({ me, acting }: { me: SignedIn; acting: RepresentedEnterprise }) {
  const { t } = useT();
  const [code, setCode] = useState<string>();
  const [scopes, setScopes] = useState<string[]>([]);
  const [madeAt, setMadeAt] = useState<number>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let staple: OneCodeStaple | undefined;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Staple what she may do for the enterprise, so the verifier sees it; the gateway checks it on chain.
    const asked = Number(enterpriseScopesOf(acting.scopeNames));
    const refresh = async () => {
      try {
        const { chainId } = await getDeployment();
        const now = Math.floor(Date.now() / 1000);
        if (!staple || staple.status.expiresAt - now < RENEW_BEFORE_SECONDS)
          staple = await gateway.getOneCodeStaple({ token: me.session.token, enterprise: acting.enterprise as Hex, scopes: asked });
        const text = await createOneCode(me.account, { chainId, staple });
        if (stopped) return;
        setCode(text);
        setScopes(enterpriseScopeNames(BigInt(staple.status.scopes ?? 0)));
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
  }, [me.session.token, acting.enterprise]);

  const name = enterpriseLabel(acting);
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t("enterprise.codeTitle")}</h1>
      <p class="lead">{t("enterprise.codeIntro", { name })}</p>
      <ErrorLine text={error} />
      {code ? (
        <div class="my-code" data-testid="enterprise-code" data-code={code} data-enterprise-code-for={acting.enterprise}>
          <QrCode value={code} label={t("enterprise.codeQrLabel", { name })} size={280} />
          <p class="hint" role="status">
            {t("myCode.refreshes", { seconds: ONE_CODE_REFRESH_SECONDS, time: madeAt ? formatDateTime(madeAt) : "" })}
          </p>
          <dl>
            {acting.code && (
              <>
                <dt>{t("enterprise.code")}</dt>
                <dd>{acting.code}</dd>
              </>
            )}
            <dt>{t("enterprise.codeScopes")}</dt>
            <dd data-code-scopes={scopes.join(",")}>{scopes.map((s) => t(`enterprise.scope_${s}`)).join("、")}</dd>
          </dl>
        </div>
      ) : (
        !error && <p>{t("app.loading")}</p>
      )}
      <p class="hint">{t("enterprise.codeNoData")}</p>
    </main>
  );
}
