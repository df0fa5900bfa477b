import { useEffect, useState } from "preact/hooks";
import { formatDateTime, useT } from "../i18n/index.js";
import { myRecovery, type PendingRecovery } from "../api/recovery.js";
import type { SignedIn } from "../session.js";

/** Impossible to miss: a pending key recovery is the one moment a stolen registrar key could take the identity. */
export function RecoveryAlert({ me }: { me: SignedIn }) {
  const { t, lang } = useT();
  const [recovery, setRecovery] = useState<PendingRecovery>();
  useEffect(() => {
    myRecovery(me.session).then(setRecovery, () => setRecovery(undefined));
  }, [me.session.token]);
  if (!recovery?.pending) return null;
  return (
    <div class="alert-recovery" role="alert" data-testid="recovery-alert">
      <h2>{t("recovery.alertTitle")}</h2>
      <p>{t("recovery.alertBody")}</p>
      <p>{t("recovery.takesEffect", { when: formatDateTime(Number(recovery.executableAt) * 1000, lang) })}</p>
      <a class="button light" href="/me/recovery/cancel">
        {t("recovery.cancel")}
      </a>
    </div>
  );
}
