import { useEffect, useMemo, useState } from "preact/hooks";
import { ENTERPRISE_SCOPES, type EnterpriseScopeName, type Hex } from "@imi-ledger/sdk";
import { errorText, formatDate, useT } from "../../i18n/index.js";
import { codeOf } from "../../api/http.js";
import type { SignedIn } from "../../session.js";
import type { RepresentedEnterprise } from "./acting.js";
import { appointStaff, enterpriseStaff, removeStaff, type EnterpriseStaffList } from "./api.js";
import { ActingOnly, ErrorLine } from "./ActingOnly.js";
import { ErrorSummary, fieldErrors } from "../../components/ErrorSummary.js";

export function EnterpriseStaff() {
  const { t } = useT();
  return <ActingOnly title={t("enterprise.staffTitle")}>{(me, acting) => <StaffScreen me={me} acting={acting} />}</ActingOnly>;
}

const SCOPES = Object.keys(ENTERPRISE_SCOPES) as EnterpriseScopeName[];
const ID = /^0x[0-9a-fA-F]{64}$/;

type Appointment = { staff: Hex; scopes: EnterpriseScopeName[]; until: string };

/**
 * Who acts for the enterprise; the legal representative appoints staff (whom, which scopes, until
 * when: check, then sign) and ends appointments. Staff see the list; only the legal representative's
 * signature appoints or removes (the contract checks it, the page only offers it to her).
 */
function StaffScreen({ me, acting }: { me: SignedIn; acting: RepresentedEnterprise }) {
  const { t, lang } = useT();
  const [data, setData] = useState<EnterpriseStaffList>();
  const [error, setError] = useState<string>();
  const [form, setForm] = useState<Appointment>({ staff: "" as Hex, scopes: [], until: "" });
  const [fieldError, setFieldError] = useState<{ staff?: string; scopes?: string; until?: string }>({});
  // One array per set of errors: the summary takes the focus when its errors change.
  const summary = useMemo(() => fieldErrors({ "staff": fieldError.staff, "scope-consent": fieldError.scopes, "until": fieldError.until }), [fieldError]);
  const [step, setStep] = useState<"form" | "check">("form");
  const [removing, setRemoving] = useState<Hex>();
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState(false);
  const load = () => enterpriseStaff(me, acting.enterprise).then(setData, (e: unknown) => setError(errorText(codeOf(e))));
  useEffect(() => {
    setData(undefined);
    setError(undefined);
    void load();
  }, [me.session.token, acting.enterprise]);

  const untilSeconds = (day: string) => BigInt(Math.floor(new Date(`${day}T23:59:59`).getTime() / 1000));
  function check(e: Event) {
    e.preventDefault();
    const today = new Date().toISOString().slice(0, 10);
    const staff = form.staff.trim();
    const errors = {
      staff: !ID.test(staff) ? t("enterprise.staffInvalid") : staff.toLowerCase() === me.session.citizen.toLowerCase() ? t("enterprise.staffSelf") : undefined,
      scopes: form.scopes.length === 0 ? t("enterprise.scopesMissing") : undefined,
      until: !/^\d{4}-\d{2}-\d{2}$/.test(form.until) || form.until < today ? t("enterprise.untilInvalid") : undefined,
    };
    setFieldError(errors);
    if (!errors.staff && !errors.scopes && !errors.until) setStep("check");
  }

  async function run(action: () => Promise<void>, message: string) {
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      await action();
      setDone(message);
      await load();
      return true;
    } catch (e) {
      setError(errorText(codeOf(e)));
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function appoint() {
    const scopes = form.scopes.reduce((bits, s) => bits | ENTERPRISE_SCOPES[s], 0n);
    const ok = await run(() => appointStaff(me, { enterprise: acting.enterprise as Hex, staff: form.staff.trim().toLowerCase() as Hex, scopes, expiresAt: untilSeconds(form.until) }), t("enterprise.appointed"));
    if (ok) {
      setForm({ staff: "" as Hex, scopes: [], until: "" });
      setStep("form");
    }
  }

  async function remove(staff: Hex) {
    if (await run(() => removeStaff(me, { enterprise: acting.enterprise as Hex, staff }), t("enterprise.removed"))) setRemoving(undefined);
  }

  const scopeText = (names: readonly string[]) => names.map((s) => t(`enterprise.scope_${s}`)).join("、");
  const date = (s: string) => formatDate(Number(s) * 1000, lang);
  const legal = data?.viewer.asLegalRepresentative ?? false;
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t("enterprise.staffTitle")}</h1>
      <ErrorLine text={error} />
      {done && (
        <p class="notice" role="status" data-done>
          {done}
        </p>
      )}
      {!data ? (
        !error && <p>{t("app.loading")}</p>
      ) : (
        <>
          <section aria-labelledby="who-title">
            <h2 id="who-title">{t("enterprise.whoActs")}</h2>
            <p>
              {t("enterprise.legalRepresentative")} <span class="hex">{data.legalRepresentative}</span>
            </p>
            {data.staff.length === 0 ? (
              <p>{t("enterprise.noStaff")}</p>
            ) : (
              <ul class="cards">
                {data.staff.map((s, i) => (
                  <li class="card" key={s.staff} data-staff={s.staff} data-active={String(s.active)}>
                    <h3 class="card-title">{t("enterprise.staffN", { n: i + 1 })}</h3>
                    <p class="hex">{s.staff}</p>
                    <dl>
                      <dt>{t("enterprise.scopes")}</dt>
                      <dd>{scopeText(s.scopeNames)}</dd>
                      <dt>{t("enterprise.state")}</dt>
                      <dd>
                        {s.active
                          ? t("enterprise.staffActive", { until: date(s.expiresAt) })
                          : s.removedAt !== "0"
                            ? t("enterprise.staffRemoved", { when: date(s.removedAt) })
                            : t("enterprise.staffExpired", { until: date(s.expiresAt) })}
                      </dd>
                    </dl>
                    {legal && s.active && removing !== s.staff && (
                      <button type="button" class="warning" disabled={busy} onClick={() => setRemoving(s.staff as Hex)}>
                        {t("enterprise.remove")}
                      </button>
                    )}
                    {removing === s.staff && (
                      <div class="check-answers">
                        <p>{t("enterprise.removeCheck", { n: i + 1 })}</p>
                        <button type="button" class="warning" disabled={busy} onClick={() => void remove(s.staff as Hex)}>
                          {t("enterprise.confirmRemove")}
                        </button>{" "}
                        <button type="button" disabled={busy} onClick={() => setRemoving(undefined)}>
                          {t("app.cancel")}
                        </button>
                      </div>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="appoint-title">
            <h2 id="appoint-title">{t("enterprise.appointTitle")}</h2>
            {!legal ? (
              <p>{t("enterprise.onlyLegal")}</p>
            ) : step === "form" ? (
              <form onSubmit={check} noValidate>
                <ErrorSummary errors={summary} />
                <div class={`field${fieldError.staff ? " has-error" : ""}`}>
                  <label for="staff">{t("enterprise.staffId")}</label>
                  <p class="hint" id="staff-hint">
                    {t("enterprise.staffIdHint")}
                  </p>
                  {fieldError.staff && (
                    <p id="staff-error" class="field-error">
                      {fieldError.staff}
                    </p>
                  )}
                  <input
                    id="staff"
                    name="staff"
                    type="text"
                    autocomplete="off"
                    spellcheck={false}
                    aria-describedby={fieldError.staff ? "staff-hint staff-error" : "staff-hint"}
                    value={form.staff}
                    onInput={(e) => setForm({ ...form, staff: (e.currentTarget as HTMLInputElement).value as Hex })}
                  />
                </div>
                <fieldset class={`field${fieldError.scopes ? " has-error" : ""}`} aria-describedby={fieldError.scopes ? "scopes-error" : undefined}>
                  <legend>{t("enterprise.chooseScopes")}</legend>
                  {fieldError.scopes && (
                    <p id="scopes-error" class="field-error">
                      {fieldError.scopes}
                    </p>
                  )}
                  {SCOPES.map((s) => (
                    <label class="choice" key={s}>
                      <input
                        id={`scope-${s}`}
                        type="checkbox"
                        name="scopes"
                        value={s}
                        checked={form.scopes.includes(s)}
                        onChange={(e) => {
                          const on = (e.currentTarget as HTMLInputElement).checked;
                          setForm({ ...form, scopes: on ? [...form.scopes, s] : form.scopes.filter((x) => x !== s) });
                        }}
                      />{" "}
                      {t(`enterprise.scope_${s}`)}
                    </label>
                  ))}
                </fieldset>
                <div class={`field${fieldError.until ? " has-error" : ""}`}>
                  <label for="until">{t("enterprise.untilLabel")}</label>
                  {fieldError.until && (
                    <p id="until-error" class="field-error">
                      {fieldError.until}
                    </p>
                  )}
                  <input id="until" name="until" type="date" aria-describedby={fieldError.until ? "until-error" : undefined} value={form.until} onInput={(e) => setForm({ ...form, until: (e.currentTarget as HTMLInputElement).value })} />
                </div>
                <button type="submit" class="primary">
                  {t("app.continue")}
                </button>
              </form>
            ) : (
              <div class="check-answers">
                <h3>{t("enterprise.appointCheckTitle")}</h3>
                <dl>
                  <dt>{t("enterprise.staffId")}</dt>
                  <dd class="hex">{form.staff.trim()}</dd>
                  <dt>{t("enterprise.scopes")}</dt>
                  <dd>{scopeText(SCOPES.filter((s) => form.scopes.includes(s)))}</dd>
                  <dt>{t("enterprise.untilLabel")}</dt>
                  <dd>{formatDate(Number(untilSeconds(form.until)) * 1000, lang)}</dd>
                </dl>
                <p>{t("enterprise.appointCheckBody")}</p>
                <button type="button" class="primary" disabled={busy} onClick={() => void appoint()}>
                  {t("enterprise.confirmAppoint")}
                </button>{" "}
                <button type="button" disabled={busy} onClick={() => setStep("form")}>
                  {t("app.back")}
                </button>
              </div>
            )}
          </section>
        </>
      )}
    </main>
  );
}
