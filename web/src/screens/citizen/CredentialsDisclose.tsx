import { useEffect, useState } from "preact/hooks";
import { useRoute } from "preact-iso";
import { useT } from "../../i18n/index.js";
import { disclosureOf, heldCredentials, type IssuedCredential } from "../../api/credentials.js";
import { SignedInOnly } from "../../components/SignedInOnly.js";
import { QrCode } from "../../components/QrCode.js";
import type { SignedIn } from "../../session.js";

export function CredentialsDisclose() {
  return <SignedInOnly>{(me) => <Disclose me={me} />}</SignedInOnly>;
}

/** One claim, shown to a verifier as a QR: the issuer's signed document with only this claim opened. */
function Disclose({ me }: { me: SignedIn }) {
  const { t } = useT();
  const { params } = useRoute();
  const claim = decodeURIComponent(params.claim ?? "");
  const [issued, setIssued] = useState<IssuedCredential | null>();
  useEffect(() => {
    heldCredentials(me.session.citizen).then(
      (held) => setIssued(held.get(String(params.credentialHash).toLowerCase()) ?? null),
      () => setIssued(null),
    );
  }, [params.credentialHash]);
  const opened = issued?.disclosures.find((d) => d.name === claim);
  if (issued === undefined)
    return (
      <main id="main" tabIndex={-1}>
        <p>{t("app.loading")}</p>
      </main>
    );
  if (!issued || !opened)
    return (
      <main id="main" tabIndex={-1}>
        <h1>{t("app.notFound")}</h1>
        <a href="/me/credentials">{t("credentials.back")}</a>
      </main>
    );
  return (
    <main id="main" tabIndex={-1}>
      <a class="back" href="/me/credentials">
        {t("credentials.back")}
      </a>
      <h1>{t("credentials.discloseTitle")}</h1>
      <p class="explain" data-testid="disclosed">
        {t("credentials.discloseExplain", { claim, value: JSON.stringify(opened.value) })}
      </p>
      <QrCode value={disclosureOf(issued, claim)} label={t("credentials.qrLabel", { claim })} size={300} />
      <p class="hint">{t("credentials.discloseHint")}</p>
    </main>
  );
}
