// Staff sign in at a desk: the first time, the staff key file and its password (the keystore is
// then kept on this device, still encrypted); after that, the password alone. The key is proven to
// the gateway (staff login) and must hold the role of the desk.
import { useEffect, useState } from "preact/hooks";
import { decryptKeystore } from "@imi-ledger/sdk";
import { errorText, useT } from "../i18n/index.js";
import { codeOf } from "../api/errorCode.js";
import { gateway } from "../api/client.js";
import { ErrorSummary, fieldError, type FieldError } from "../components/ErrorSummary.js";
import { Field } from "../screens/Home.js";
import { forgetStaffKey, loadStaffKey, saveStaffKey, type StaffRole, type StoredStaffKey } from "./staffKey.js";
import { setStaff } from "./staffSession.js";

export function StaffSignIn({ role, title }: { role: StaffRole; title: string }) {
  const { t } = useT();
  const [stored, setStored] = useState<StoredStaffKey | null>();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    loadStaffKey(role).then((k) => setStored(k ?? null), () => setStored(null));
  }, [role]);

  async function submit(event: Event) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const file = stored ? undefined : (form.elements.namedItem("staff-key") as HTMLInputElement).files?.[0];
    const password = (form.elements.namedItem("staff-password") as HTMLInputElement).value;
    const found: FieldError[] = [];
    if (!stored && !file) found.push({ field: "staff-key", text: t("keys.fileMissing") });
    if (!password) found.push({ field: "staff-password", text: t("keys.passwordMissing") });
    setErrors(found);
    if (found.length) return;
    setBusy(true);
    try {
      const keystore = stored ? stored.keystore : await file!.text();
      const account = await decryptKeystore(keystore, password);
      const session = await gateway.loginStaff({ signer: account });
      gateway.logout(); // the token stays with this desk's screens, in memory
      if (!session.roles?.includes(role)) throw Object.assign(new Error("role not held"), { code: "STAFF_ROLE_MISSING" });
      if (!stored) await saveStaffKey(role, { keystore, address: account.address, savedAt: Date.now() });
      setStaff(role, { session, account });
    } catch (error) {
      const code = codeOf(error);
      setErrors([{ field: code === "KEYSTORE_PASSWORD" ? "staff-password" : undefined, text: code === "STAFF_ROLE_MISSING" ? t(`staff.roleMissing.${role}`) : errorText(code) }]);
      setBusy(false);
    }
  }

  return (
    <main id="main" tabIndex={-1}>
      <h1>{title}</h1>
      <p class="lead">{stored ? t("staff.signInAgain") : t("staff.signInFirst")}</p>
      <ErrorSummary errors={errors} />
      {stored === undefined ? (
        <p>{t("app.loading")}</p>
      ) : (
        <form onSubmit={submit} noValidate>
          {!stored && (
            <Field id="staff-key" label={t("staff.keyLabel")} hint={t("staff.keyHint")} error={fieldError(errors, "staff-key")}>
              <input id="staff-key" name="staff-key" type="file" accept=".json,application/json" aria-describedby="staff-key-hint" />
            </Field>
          )}
          <Field id="staff-password" label={t("staff.passwordLabel")} error={fieldError(errors, "staff-password")}>
            <input id="staff-password" name="staff-password" type="password" autocomplete="current-password" />
          </Field>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? t("signIn.working") : t("staff.signIn")}
          </button>
          {stored && (
            <button
              type="button"
              class="link"
              onClick={() => {
                void forgetStaffKey(role).then(() => setStored(null));
              }}
            >
              {t("staff.useAnotherKey")}
            </button>
          )}
        </form>
      )}
    </main>
  );
}

/** The staff member's own line at the top of a desk screen, with sign out. */
export function StaffBar({ role }: { role: StaffRole }) {
  const { t } = useT();
  return (
    <p class="staff-bar">
      <button type="button" class="secondary" onClick={() => setStaff(role, undefined)}>
        {t("staff.signOut")}
      </button>
    </p>
  );
}
