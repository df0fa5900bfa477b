// The service counter (registrar): register a citizen face to face, print or show the slip with the
// identity number as a QR code, and start a lost-key recovery. The registrar's key signs here, in
// the browser; the gateway checks the signed transaction against the record and relays it.
import { useState } from "preact/hooks";
import {
  encryptKeystore,
  generatePrivateKey,
  initiateRecoveryCall,
  privateKeyToAccount,
  registrationCall,
  signDeskTransaction,
  type Address,
  type CitizenRecordInput,
  type Hex,
} from "@imi-ledger/sdk";
import { errorText, formatDate, useT } from "../../i18n/index.js";
import { codeOf } from "../../api/errorCode.js";
import { gateway } from "../../api/client.js";
import { getDeployment } from "../../api/directory.js";
import { ErrorSummary, fieldError, type FieldError } from "../../components/ErrorSummary.js";
import { QrCode } from "../../components/QrCode.js";
import { QrScanner } from "../../components/QrScanner.js";
import { Field } from "../Home.js";
import { StaffBar, StaffSignIn } from "../../staff/StaffSignIn.js";
import { useStaff, type StaffSignedIn } from "../../staff/staffSession.js";

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const CITIZEN_ID = /^0x[0-9a-fA-F]{64}$/;
/** Resident identity card number: 17 digits and a check character (digit or X). */
const ID_NUMBER = /^\d{17}[\dXx]$/;

export function Counter() {
  const { t } = useT();
  const staff = useStaff("registrar");
  const [view, setView] = useState<"menu" | "register" | "recovery">("menu");
  const [slip, setSlip] = useState<Slip>();
  if (!staff) return <StaffSignIn role="registrar" title={t("counter.signInTitle")} />;
  if (slip) return <RegistrationSlip slip={slip} onDone={() => (setSlip(undefined), setView("menu"))} />;
  return (
    <main id="main" tabIndex={-1}>
      <StaffBar role="registrar" />
      {view === "menu" && (
        <>
          <h1>{t("counter.title")}</h1>
          <p class="lead">{t("counter.intro")}</p>
          <ul class="doors">
            <li>
              <button type="button" class="primary" onClick={() => setView("register")}>
                {t("counter.register")}
              </button>
            </li>
            <li>
              <button type="button" class="secondary" onClick={() => setView("recovery")}>
                {t("counter.recovery")}
              </button>
            </li>
          </ul>
        </>
      )}
      {view === "register" && <Register staff={staff} onRegistered={setSlip} onBack={() => setView("menu")} />}
      {view === "recovery" && <Recovery staff={staff} onBack={() => setView("menu")} />}
    </main>
  );
}

type Slip = { citizen: Hex; name: string; level: number; blockNumber: number; registeredAt: number; keyFile?: { url: string; name: string } };

/** Problems with the form, each tied to its field (nothing is sent while any remain). */
function checkForm(values: Record<string, string>, t: (k: string) => string, newKey: boolean): FieldError[] {
  const found: FieldError[] = [];
  if (!values.name) found.push({ field: "reg-name", text: t("counter.nameMissing") });
  if (!ID_NUMBER.test(values.idNumber)) found.push({ field: "reg-id-number", text: t("counter.idNumberInvalid") });
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(values.birthDate);
  const day = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!m || !day || day.getUTCDate() !== Number(m[3]) || day.getUTCMonth() !== Number(m[2]) - 1 || day.getTime() > Date.now() || Number(m[1]) < 1900)
    found.push({ field: "reg-birth-date", text: t("counter.birthDateInvalid") });
  if (!values.district) found.push({ field: "reg-district", text: t("counter.districtMissing") });
  if (newKey) {
    if (values.keyPassword.length < 8) found.push({ field: "reg-key-password", text: t("counter.keyPasswordShort") });
  } else if (!ADDRESS.test(values.controller)) found.push({ field: "reg-controller", text: t("counter.controllerInvalid") });
  return found;
}

function Register({ staff, onRegistered, onBack }: { staff: StaffSignedIn; onRegistered: (slip: Slip) => void; onBack: () => void }) {
  const { t } = useT();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const [newKey, setNewKey] = useState(true);
  const [controller, setController] = useState("");

  async function submit(event: Event) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const value = (name: string) => ((form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null)?.value ?? "").trim();
    const values = {
      name: value("reg-name"),
      idNumber: value("reg-id-number").toUpperCase(),
      birthDate: value("reg-birth-date"),
      district: value("reg-district"),
      level: value("reg-level") || "2",
      controller: controller.trim(),
      keyPassword: (form.elements.namedItem("reg-key-password") as HTMLInputElement | null)?.value ?? "",
    };
    const found = checkForm(values, t, newKey);
    setErrors(found);
    if (found.length) return;
    setBusy(true);
    try {
      let keyFile: Slip["keyFile"];
      let key = values.controller as Address;
      if (newKey) {
        // The citizen's own key, made on this desk and handed over as a password-protected file.
        const account = privateKeyToAccount(generatePrivateKey());
        const keystore = await encryptKeystore(account, values.keyPassword);
        key = account.address;
        keyFile = { url: URL.createObjectURL(new Blob([keystore], { type: "application/json" })), name: `imi-key-${account.address.slice(2, 10).toLowerCase()}.json` };
      }
      const record: CitizenRecordInput = { identity: { name: values.name, idNumber: values.idNumber }, birth: { birthDate: values.birthDate }, address: { district: values.district } };
      const level = Number(values.level);
      const call = registrationCall({ controller: key, level, record });
      const deployment = await getDeployment();
      const signedTransaction = await signDeskTransaction(gateway, { account: staff.account, to: deployment.contracts.identityRegistry as Address, data: call.data });
      const done = await gateway.registerCitizen({ citizen: call.citizen, controller: key, level, salt: call.salt, record, signedTransaction, token: staff.session.token });
      onRegistered({ citizen: done.citizen as Hex, name: values.name, level, blockNumber: done.blockNumber, registeredAt: Date.now(), keyFile });
    } catch (error) {
      setErrors([{ text: errorText(codeOf(error)) }]);
      setBusy(false);
    }
  }

  return (
    <>
      <h1>{t("counter.registerTitle")}</h1>
      <p class="lead">{t("counter.registerIntro")}</p>
      <ErrorSummary errors={errors} />
      <form onSubmit={submit} noValidate>
        <Field id="reg-name" label={t("counter.nameLabel")} error={fieldError(errors, "reg-name")}>
          <input id="reg-name" name="reg-name" type="text" autocomplete="off" />
        </Field>
        <Field id="reg-id-number" label={t("counter.idNumberLabel")} hint={t("counter.idNumberHint")} error={fieldError(errors, "reg-id-number")}>
          <input id="reg-id-number" name="reg-id-number" type="text" inputMode="text" autocomplete="off" spellcheck={false} aria-describedby="reg-id-number-hint" />
        </Field>
        <Field id="reg-birth-date" label={t("counter.birthDateLabel")} hint={t("counter.birthDateHint")} error={fieldError(errors, "reg-birth-date")}>
          <input id="reg-birth-date" name="reg-birth-date" type="text" inputMode="numeric" placeholder="1950-02-03" autocomplete="off" aria-describedby="reg-birth-date-hint" />
        </Field>
        <Field id="reg-district" label={t("counter.districtLabel")} error={fieldError(errors, "reg-district")}>
          <input id="reg-district" name="reg-district" type="text" autocomplete="off" />
        </Field>
        <Field id="reg-level" label={t("counter.levelLabel")} hint={t("counter.levelHint")}>
          <select id="reg-level" name="reg-level" aria-describedby="reg-level-hint">
            <option value="1">{t("counter.level1")}</option>
            <option value="2" selected>
              {t("counter.level2")}
            </option>
            <option value="3">{t("counter.level3")}</option>
          </select>
        </Field>
        <fieldset class="field">
          <legend>{t("counter.keyLegend")}</legend>
          <label class="choice">
            <input type="radio" name="reg-key-kind" value="new" checked={newKey} onChange={() => setNewKey(true)} /> {t("counter.keyNew")}
          </label>
          <label class="choice">
            <input type="radio" name="reg-key-kind" value="own" checked={!newKey} onChange={() => setNewKey(false)} /> {t("counter.keyOwn")}
          </label>
        </fieldset>
        {newKey ? (
          <Field id="reg-key-password" label={t("counter.keyPasswordLabel")} hint={t("counter.keyPasswordHint")} error={fieldError(errors, "reg-key-password")}>
            <input id="reg-key-password" name="reg-key-password" type="password" autocomplete="new-password" aria-describedby="reg-key-password-hint" />
          </Field>
        ) : (
          <Field id="reg-controller" label={t("counter.controllerLabel")} hint={t("counter.controllerHint")} error={fieldError(errors, "reg-controller")}>
            <input
              id="reg-controller"
              name="reg-controller"
              type="text"
              autocomplete="off"
              spellcheck={false}
              aria-describedby="reg-controller-hint"
              value={controller}
              onInput={(e) => setController((e.target as HTMLInputElement).value)}
            />
          </Field>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t("counter.registering") : t("counter.registerButton")}
        </button>
        <button type="button" class="secondary" onClick={onBack}>
          {t("app.back")}
        </button>
      </form>
      {!newKey && (
        <section aria-labelledby="scan-key-title">
          <h2 id="scan-key-title">{t("counter.scanKeyTitle")}</h2>
          <QrScanner id="scan-key" inputLabel={t("counter.controllerLabel")} onResult={(text) => setController(text)} />
        </section>
      )}
    </>
  );
}

function RegistrationSlip({ slip, onDone }: { slip: Slip; onDone: () => void }) {
  const { t, lang } = useT();
  return (
    <main id="main" tabIndex={-1} class="slip">
      <h1>{t("counter.slipTitle")}</h1>
      <p class="lead" role="status">
        {t("counter.registered", { name: slip.name })}
      </p>
      <dl class="slip-facts">
        <dt>{t("counter.nameLabel")}</dt>
        <dd>{slip.name}</dd>
        <dt>{t("counter.slipLevel")}</dt>
        <dd>{t(`counter.level${slip.level}`)}</dd>
        <dt>{t("counter.slipDate")}</dt>
        <dd>{formatDate(slip.registeredAt, lang)}</dd>
        <dt>{t("counter.slipId")}</dt>
        <dd class="mono" data-testid="slip-citizen">{slip.citizen}</dd>
      </dl>
      <QrCode value={slip.citizen} label={t("counter.slipQrLabel")} caption={slip.citizen} />
      <p class="hint">{t("counter.slipHint")}</p>
      {slip.keyFile && (
        <p>
          <a class="button secondary" href={slip.keyFile.url} download={slip.keyFile.name}>
            {t("counter.downloadKey")}
          </a>
        </p>
      )}
      <p class="no-print">
        <button type="button" class="primary" onClick={() => window.print()}>
          {t("counter.print")}
        </button>
        <button type="button" class="secondary" onClick={onDone}>
          {t("counter.next")}
        </button>
      </p>
    </main>
  );
}

function Recovery({ staff, onBack }: { staff: StaffSignedIn; onBack: () => void }) {
  const { t, lang } = useT();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const [citizen, setCitizen] = useState("");
  const [started, setStarted] = useState<{ citizen: string; blockNumber: number }>();

  async function submit(event: Event) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const newController = (form.elements.namedItem("rec-new-key") as HTMLInputElement).value.trim();
    const id = citizen.trim();
    const found: FieldError[] = [];
    if (!CITIZEN_ID.test(id)) found.push({ field: "rec-citizen", text: t("keys.citizenInvalid") });
    if (!ADDRESS.test(newController)) found.push({ field: "rec-new-key", text: t("counter.controllerInvalid") });
    setErrors(found);
    if (found.length) return;
    setBusy(true);
    try {
      const deployment = await getDeployment();
      const data = initiateRecoveryCall({ citizen: id as Hex, newController: newController as Address });
      const signedTransaction = await signDeskTransaction(gateway, { account: staff.account, to: deployment.contracts.identityRegistry as Address, data });
      const done = await gateway.relayStaffTransaction({ signedTransaction, token: staff.session.token });
      setStarted({ citizen: id, blockNumber: done.blockNumber });
    } catch (error) {
      setErrors([{ text: errorText(codeOf(error)) }]);
    } finally {
      setBusy(false);
    }
  }

  if (started)
    return (
      <>
        <h1>{t("counter.recoveryStartedTitle")}</h1>
        <p class="lead" role="status">
          {t("counter.recoveryStarted")}
        </p>
        <p class="mono">{started.citizen}</p>
        <p class="hint">{t("counter.recoveryStartedHint", { time: formatDate(Date.now(), lang) })}</p>
        <button type="button" class="secondary" onClick={onBack}>
          {t("app.back")}
        </button>
      </>
    );
  return (
    <>
      <h1>{t("counter.recoveryTitle")}</h1>
      <p class="lead">{t("counter.recoveryIntro")}</p>
      <ErrorSummary errors={errors} />
      <form onSubmit={submit} noValidate>
        <Field id="rec-citizen" label={t("counter.citizenLabel")} hint={t("keys.citizenHint")} error={fieldError(errors, "rec-citizen")}>
          <input
            id="rec-citizen"
            name="rec-citizen"
            type="text"
            autocomplete="off"
            spellcheck={false}
            aria-describedby="rec-citizen-hint"
            value={citizen}
            onInput={(e) => setCitizen((e.target as HTMLInputElement).value)}
          />
        </Field>
        <Field id="rec-new-key" label={t("counter.newKeyLabel")} hint={t("counter.controllerHint")} error={fieldError(errors, "rec-new-key")}>
          <input id="rec-new-key" name="rec-new-key" type="text" autocomplete="off" spellcheck={false} aria-describedby="rec-new-key-hint" />
        </Field>
        <button type="submit" class="warning" disabled={busy}>
          {busy ? t("counter.working") : t("counter.recoveryButton")}
        </button>
        <button type="button" class="secondary" onClick={onBack}>
          {t("app.back")}
        </button>
      </form>
      <section aria-labelledby="scan-slip-title">
        <h2 id="scan-slip-title">{t("counter.scanSlipTitle")}</h2>
        <QrScanner id="scan-slip" inputLabel={t("counter.citizenLabel")} onResult={(text) => setCitizen(text)} />
      </section>
    </>
  );
}
