// A phone as the citizen's key: create a passkey here, show the counter the account it becomes
// (the counter deploys it and registers the identity with it as controller), then sign in with
// face or fingerprint. Every later signature (consents, recovery cancel) asks the passkey again.
import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import type { Hex } from "@imi-ledger/sdk";
import { errorText, useT } from "../../i18n/index.js";
import { codeOf } from "../../api/errorCode.js";
import { citizenLogin } from "../../api/citizen.js";
import { getDeployment } from "../../api/directory.js";
import { ErrorSummary, fieldError, type FieldError } from "../../components/ErrorSummary.js";
import { QrCode } from "../../components/QrCode.js";
import { createPasskey, forgetPasskey, loadPasskey, passkeyAccount, passkeySupported, savePasskey, type StoredPasskey } from "../../keys/passkey.js";
import { setSignedIn } from "../../session.js";
import { takeReturnPath } from "../../returnPath.js";
import { Field } from "../Home.js";

const CITIZEN_ID = /^0x[0-9a-fA-F]{64}$/;
const OWN_CODES = ["PASSKEY_CANCELLED", "PASSKEY_UNSUPPORTED", "PASSKEY_FAILED", "PASSKEY_NO_FACTORY"];

function useErrorText() {
  const { t } = useT();
  return (error: unknown) => {
    const code = codeOf(error);
    return OWN_CODES.includes(code) ? t(`passkey.errors.${code}`) : errorText(code);
  };
}

export function Passkey() {
  const [passkey, setPasskey] = useState<StoredPasskey | undefined>(() => loadPasskey());
  return (
    <main id="main" tabIndex={-1}>
      <a class="back" href="/">
        {useT().t("app.back")}
      </a>
      {passkey ? <PasskeySignIn passkey={passkey} onForget={() => (forgetPasskey(), setPasskey(undefined))} /> : <CreatePasskey onCreated={setPasskey} />}
    </main>
  );
}

function CreatePasskey({ onCreated }: { onCreated: (p: StoredPasskey) => void }) {
  const { t } = useT();
  const text = useErrorText();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  async function create() {
    setBusy(true);
    setErrors([]);
    try {
      const deployment = await getDeployment();
      const factory = deployment.contracts.passkeyAccountFactory as Hex | undefined;
      if (!factory) throw Object.assign(new Error("no factory"), { code: "PASSKEY_NO_FACTORY" });
      onCreated(await createPasskey(factory, t("passkey.credentialName")));
    } catch (error) {
      setErrors([{ text: text(error) }]);
      setBusy(false);
    }
  }
  return (
    <>
      <h1>{t("passkey.createTitle")}</h1>
      <p class="lead">{t("passkey.createIntro")}</p>
      <ErrorSummary errors={errors} />
      {passkeySupported() ? (
        <button type="button" class="primary" disabled={busy} onClick={() => void create()}>
          {busy ? t("passkey.creating") : t("passkey.create")}
        </button>
      ) : (
        <p>{t("passkey.errors.PASSKEY_UNSUPPORTED")}</p>
      )}
    </>
  );
}

function PasskeySignIn({ passkey, onForget }: { passkey: StoredPasskey; onForget: () => void }) {
  const { t } = useT();
  const text = useErrorText();
  const { route } = useLocation();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  // What the counter needs: the account address it registers, and the key it deploys the account for.
  const forCounter = JSON.stringify({ account: passkey.address, x: passkey.publicKey.x, y: passkey.publicKey.y });
  async function signIn(event: Event) {
    event.preventDefault();
    const citizen = ((event.currentTarget as HTMLFormElement).elements.namedItem("passkey-citizen") as HTMLInputElement).value.trim();
    if (!CITIZEN_ID.test(citizen)) return setErrors([{ field: "passkey-citizen", text: t("keys.citizenInvalid") }]);
    setErrors([]);
    setBusy(true);
    try {
      const account = passkeyAccount(passkey);
      const session = await citizenLogin(account, citizen as Hex);
      savePasskey({ ...passkey, citizen: citizen.toLowerCase() as Hex });
      setSignedIn({ session, account });
      route(takeReturnPath() ?? "/me/consents");
    } catch (error) {
      setErrors([{ text: text(error) }]);
      setBusy(false);
    }
  }
  return (
    <>
      <h1>{t("passkey.signInTitle")}</h1>
      <section aria-labelledby="passkey-account-title">
        <h2 id="passkey-account-title">{t("passkey.accountTitle")}</h2>
        <p>{t("passkey.accountIntro")}</p>
        <dl class="facts">
          <dt>{t("passkey.accountLabel")}</dt>
          <dd class="mono" data-passkey-account={passkey.address}>
            {passkey.address}
          </dd>
        </dl>
        <QrCode value={forCounter} label={t("passkey.qrLabel")} size={200} />
        <p hidden data-passkey-key={forCounter} />
      </section>
      <ErrorSummary errors={errors} />
      <form onSubmit={signIn} noValidate>
        <Field id="passkey-citizen" label={t("keys.citizenLabel")} hint={t("passkey.citizenHint")} error={fieldError(errors, "passkey-citizen")}>
          <input id="passkey-citizen" name="passkey-citizen" type="text" autocomplete="off" spellcheck={false} defaultValue={passkey.citizen ?? ""} aria-describedby="passkey-citizen-hint" />
        </Field>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t("signIn.working") : t("passkey.signIn")}
        </button>
      </form>
      <p class="hint">{t("passkey.lostPhone")}</p>
      <button type="button" class="link" onClick={onForget}>
        {t("passkey.forget")}
      </button>
    </>
  );
}
