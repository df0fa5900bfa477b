import { useState } from "preact/hooks";
import { errorText, useT } from "../../i18n/index.js";
import { cancelMyRecovery } from "../../api/recovery.js";
import { codeOf } from "../../api/errorCode.js";
import { SignedInOnly } from "../../components/SignedInOnly.js";
import type { SignedIn } from "../../session.js";

export function CancelRecovery() {
  return <SignedInOnly>{(me) => <Confirm me={me} />}</SignedInOnly>;
}

/** Check, sign in the browser, and say what happened. */
function Confirm({ me }: { me: SignedIn }) {
  const { t } = useT();
  const [state, setState] = useState<"check" | "working" | "done">("check");
  const [error, setError] = useState<string>();
  async function confirm() {
    setState("working");
    setError(undefined);
    try {
      await cancelMyRecovery(me.account, me.session.citizen);
      setState("done");
    } catch (e) {
      setError(errorText(codeOf(e)));
      setState("check");
    }
  }
  if (state === "done")
    return (
      <main id="main" tabIndex={-1}>
        <div class="panel" role="status">
          <h1>{t("recovery.cancelled")}</h1>
        </div>
        <p>{t("recovery.doneNext")}</p>
        <p>
          <a href="/me/accesses" class="button primary">
            {t("recovery.back")}
          </a>
        </p>
      </main>
    );
  return (
    <main id="main" tabIndex={-1}>
      <a class="back" href="/me/accesses">
        {t("app.back")}
      </a>
      <h1>{t("recovery.checkTitle")}</h1>
      {error && (
        <div class="error-summary" role="alert">
          <p>{error}</p>
        </div>
      )}
      <p class="explain">{t("recovery.explain")}</p>
      <p class="signs">{t("change.signs")}</p>
      <button type="button" class="warning" disabled={state === "working"} onClick={() => void confirm()}>
        {state === "working" ? t("recovery.working") : t("recovery.confirm")}
      </button>{" "}
      <a href="/me/accesses" class="button secondary">
        {t("app.cancel")}
      </a>
    </main>
  );
}
