import { useState } from "preact/hooks";
import { errorText, useT } from "../../i18n/index.js";
import { codeOf } from "../../api/http.js";
import { SignedInOnly } from "../../components/SignedInOnly.js";
import { RecoveryAlert } from "../../components/RecoveryAlert.js";
import { ErrorSummary, fieldError, type FieldError } from "../../components/ErrorSummary.js";
import { Field } from "../Home.js";
import type { SignedIn } from "../../session.js";

export function Identity() {
  return <SignedInOnly>{(me) => <MyIdentity me={me} />}</SignedInOnly>;
}

/** "My identity": the key this device holds for me, and replacing it (key rotation) after a check page. */
function MyIdentity({ me }: { me: SignedIn }) {
  const { t } = useT();
  const [step, setStep] = useState<"view" | "check" | "done">("view");
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const [previous, setPrevious] = useState<string>();

  async function rotate(event: Event) {
    event.preventDefault();
    const password = ((event.currentTarget as HTMLFormElement).elements.namedItem("rotatepassword") as HTMLInputElement).value;
    if (!password) return setErrors([{ field: "rotatepassword", text: t("keys.passwordMissing") }]);
    setErrors([]);
    setBusy(true);
    const before = me.account.address;
    try {
      const { rotateMyKey } = await import("../../api/identity.js");
      await rotateMyKey(me, password);
      setPrevious(before);
      setStep("done");
    } catch (e) {
      const code = codeOf(e);
      setErrors([{ field: code === "KEYSTORE_PASSWORD" ? "rotatepassword" : undefined, text: errorText(code) }]);
    } finally {
      setBusy(false);
    }
  }

  if (step === "done")
    return (
      <main id="main" tabIndex={-1}>
        <div class="panel" role="status">
          <h1>{t("identity.doneTitle")}</h1>
        </div>
        <p>{t("identity.doneNext")}</p>
        <dl class="hex" data-testid="rotated">
          <dt>{t("identity.oldKey")}</dt>
          <dd data-old-key={previous}>{previous}</dd>
          <dt>{t("identity.newKey")}</dt>
          <dd data-new-key={me.account.address}>{me.account.address}</dd>
        </dl>
        <p>
          <a href="/me/accesses" class="button primary">
            {t("change.toAccesses")}
          </a>
        </p>
      </main>
    );
  if (step === "check")
    return (
      <main id="main" tabIndex={-1}>
        <button type="button" class="link back" onClick={() => setStep("view")}>
          {t("app.back")}
        </button>
        <h1>{t("identity.checkTitle")}</h1>
        <p class="explain" data-testid="plain-words">
          {t("identity.explain")}
        </p>
        <ErrorSummary errors={errors} />
        <form onSubmit={rotate} noValidate>
          <Field id="rotatepassword" label={t("identity.passwordLabel")} hint={t("identity.passwordHint")} error={fieldError(errors, "rotatepassword")}>
            <input id="rotatepassword" name="rotatepassword" type="password" autocomplete="current-password" aria-describedby="rotatepassword-hint" />
          </Field>
          <p class="signs">{t("identity.signs")}</p>
          <button type="submit" class="warning" disabled={busy}>
            {busy ? t("identity.working") : t("identity.confirm")}
          </button>
        </form>
      </main>
    );
  return (
    <main id="main" tabIndex={-1}>
      <RecoveryAlert me={me} />
      <h1>{t("identity.title")}</h1>
      <p class="lead">{t("identity.intro")}</p>
      <dl class="summary">
        <dt>{t("identity.level")}</dt>
        <dd>{me.session.level ?? "—"}</dd>
      </dl>
      <details>
        <summary>{t("accesses.hex")}</summary>
        <dl class="hex">
          <dt>{t("identity.idLabel")}</dt>
          <dd>{me.session.citizen}</dd>
          <dt>{t("identity.keyLabel")}</dt>
          <dd data-current-key={me.account.address}>{me.account.address}</dd>
        </dl>
      </details>
      <h2>{t("identity.rotateTitle")}</h2>
      <p>{t("identity.rotateWhen")}</p>
      <button type="button" class="secondary" onClick={() => setStep("check")}>
        {t("identity.rotate")}
      </button>
    </main>
  );
}
