import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { errorText, useT } from "../i18n/index.js";
import { codeOf } from "../api/errorCode.js";
import { forgetDeviceKey, loadDeviceKey, type StoredKey } from "../keys/deviceKey.js";
import { ErrorSummary, fieldError, type FieldError } from "../components/ErrorSummary.js";
import { signedIn } from "../session.js";
import { takeReturnPath } from "../returnPath.js";

const CITIZEN_ID = /^0x[0-9a-fA-F]{64}$/;

/** The start: a citizen sets up this device once, then signs in here; staff find their doors below. */
export function Home() {
  const { t } = useT();
  const { route } = useLocation();
  const [stored, setStored] = useState<StoredKey | null | undefined>(undefined);
  useEffect(() => {
    if (signedIn()) return route("/me/accesses", true);
    loadDeviceKey().then((k) => setStored(k ?? null), () => setStored(null));
  }, []);
  return (
    <main id="main" tabIndex={-1}>
      {stored === undefined ? <p>{t("app.loading")}</p> : stored ? <SignIn onForget={() => setStored(null)} /> : <ImportKey onDone={() => loadDeviceKey().then((k) => setStored(k ?? null))} />}
      {/* The rest waits for the device's key to be looked up: shown under the loading line, it was
          pushed down when the form replaced that line (Lighthouse counted a layout shift of 0.28). */}
      {stored !== undefined && (
        <>
          <p class="passkey-door">
            <a href="/passkey">{t("passkey.door")}</a>
          </p>
          <section class="staff" aria-labelledby="staff-title">
            <h2 id="staff-title">{t("roles.title")}</h2>
            <ul class="doors">
              <li>
                <a href="/counter">{t("roles.counter")}</a> <span>{t("roles.counterHint")}</span>
              </li>
              <li>
                <a href="/agency">{t("roles.agency")}</a> <span>{t("roles.agencyHint")}</span>
              </li>
              <li>
                <a href="/auditor">{t("roles.auditor")}</a> <span>{t("roles.auditorHint")}</span>
              </li>
            </ul>
          </section>
        </>
      )}
    </main>
  );
}

function ImportKey({ onDone }: { onDone: () => void }) {
  const { t } = useT();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  async function submit(event: Event) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const file = (form.elements.namedItem("keyfile") as HTMLInputElement).files?.[0];
    const citizen = (form.elements.namedItem("citizen") as HTMLInputElement).value.trim();
    const password = (form.elements.namedItem("password") as HTMLInputElement).value;
    const found: FieldError[] = [];
    if (!file) found.push({ field: "keyfile", text: t("keys.fileMissing") });
    if (!CITIZEN_ID.test(citizen)) found.push({ field: "citizen", text: t("keys.citizenInvalid") });
    if (!password) found.push({ field: "password", text: t("keys.passwordMissing") });
    setErrors(found);
    if (found.length) return;
    setBusy(true);
    try {
      const { importKey } = await import("../keys/unlock.js");
      await importKey(await file!.text(), password, citizen as `0x${string}`);
      onDone();
    } catch (error) {
      const code = codeOf(error);
      setErrors([{ field: code === "KEYSTORE_PASSWORD" ? "password" : code === "INVALID_KEYSTORE" ? "keyfile" : undefined, text: errorText(code) }]);
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <h1>{t("keys.importTitle")}</h1>
      <p class="lead">{t("keys.importIntro")}</p>
      <ErrorSummary errors={errors} />
      <form onSubmit={submit} noValidate>
        <Field id="keyfile" label={t("keys.fileLabel")} hint={t("keys.fileHint")} error={fieldError(errors, "keyfile")}>
          <input id="keyfile" name="keyfile" type="file" accept=".json,application/json" aria-describedby="keyfile-hint" />
        </Field>
        <Field id="citizen" label={t("keys.citizenLabel")} hint={t("keys.citizenHint")} error={fieldError(errors, "citizen")}>
          <input id="citizen" name="citizen" type="text" autocomplete="off" spellcheck={false} inputMode="text" aria-describedby="citizen-hint" />
        </Field>
        <Field id="password" label={t("keys.passwordLabel")} hint={t("keys.passwordHint")} error={fieldError(errors, "password")}>
          <input id="password" name="password" type="password" autocomplete="current-password" aria-describedby="password-hint" />
        </Field>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t("signIn.working") : t("keys.importButton")}
        </button>
      </form>
    </>
  );
}

function SignIn({ onForget }: { onForget: () => void }) {
  const { t } = useT();
  const { route } = useLocation();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  async function submit(event: Event) {
    event.preventDefault();
    const password = ((event.currentTarget as HTMLFormElement).elements.namedItem("password") as HTMLInputElement).value;
    if (!password) return setErrors([{ field: "password", text: t("keys.passwordMissing") }]);
    setErrors([]);
    setBusy(true);
    try {
      const { signIn } = await import("../keys/unlock.js");
      await signIn(password);
      route(takeReturnPath() ?? "/me/accesses");
    } catch (error) {
      const code = codeOf(error);
      setErrors([{ field: code === "KEYSTORE_PASSWORD" ? "password" : undefined, text: errorText(code) }]);
      setBusy(false);
    }
  }
  return (
    <>
      <h1>{t("signIn.title")}</h1>
      <p class="lead">{t("signIn.intro")}</p>
      <ErrorSummary errors={errors} />
      <form onSubmit={submit} noValidate>
        <Field id="password" label={t("signIn.passwordLabel")} error={fieldError(errors, "password")}>
          <input id="password" name="password" type="password" autocomplete="current-password" />
        </Field>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t("signIn.working") : t("signIn.button")}
        </button>
      </form>
      <button type="button" class="link" onClick={() => void forgetDeviceKey().then(onForget)}>
        {t("keys.forget")}
      </button>
    </>
  );
}

export function Field({ id, label, hint, error, children }: { id: string; label: string; hint?: string; error?: string; children: preact.ComponentChildren }) {
  return (
    <div class={error ? "field has-error" : "field"}>
      <label for={id}>{label}</label>
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
      {children}
    </div>
  );
}
