// The agency clerk: identify a resident (scan or type the identity number), check the resident's
// identity proof, ask a yes/no question and show the answer only once the browser has verified the
// gateway's signature (SDK verifyPredicateAnswer), read the data the resident consented to, and
// list the consents given to this agency.
import { useEffect, useState } from "preact/hooks";
import {
  createImiClient,
  gatewayChainProvider,
  randomBytes32,
  DEFAULT_CATEGORIES,
  verifyPredicateAnswer,
  type Hex,
  type PredicateJson,
  type PredicateResult,
  type SignedIdentityProof,
  type DataAnswer,
} from "@imi-ledger/sdk";
import { errorText, formatDate, useT } from "../../i18n/index.js";
import { codeOf } from "../../api/errorCode.js";
import { gateway } from "../../api/client.js";
import { categoryNames, getDeployment, purposeName, type Directory } from "../../api/directory.js";
import { useDirectory } from "../../useDirectory.js";
import { ErrorSummary, fieldError, type FieldError } from "../../components/ErrorSummary.js";
import { QrScanner } from "../../components/QrScanner.js";
import { Field } from "../Home.js";
import { StaffBar, StaffSignIn } from "../../staff/StaffSignIn.js";
import { useStaff, type StaffSignedIn } from "../../staff/staffSession.js";

const CITIZEN_ID = /^0x[0-9a-fA-F]{64}$/;
const CATEGORY_BIT: Record<string, number> = Object.fromEntries(["identity", "birth", "address"].map((c) => [c, DEFAULT_CATEGORIES.indexOf(c as never)]));

export function Agency() {
  const { t } = useT();
  const staff = useStaff("agency");
  const [citizen, setCitizen] = useState<Hex>();
  if (!staff) return <StaffSignIn role="agency" title={t("agency.signInTitle")} />;
  return (
    <main id="main" tabIndex={-1}>
      <StaffBar role="agency" />
      {citizen ? <Resident staff={staff} citizen={citizen} onOther={() => setCitizen(undefined)} /> : <Identify onCitizen={setCitizen} />}
      <Consents staff={staff} />
    </main>
  );
}

function Identify({ onCitizen }: { onCitizen: (c: Hex) => void }) {
  const { t } = useT();
  const [error, setError] = useState<string>();
  return (
    <section aria-labelledby="identify-title">
      <h1 id="identify-title">{t("agency.identifyTitle")}</h1>
      <p class="lead">{t("agency.identifyIntro")}</p>
      {error && <ErrorSummary errors={[{ field: "identify-typed", text: error }]} />}
      <QrScanner
        id="identify"
        inputLabel={t("agency.citizenLabel")}
        inputHint={t("keys.citizenHint")}
        onResult={(text) => {
          if (!CITIZEN_ID.test(text)) return setError(t("keys.citizenInvalid"));
          setError(undefined);
          onCitizen(text.toLowerCase() as Hex);
        }}
      />
    </section>
  );
}

function Resident({ staff, citizen, onOther }: { staff: StaffSignedIn; citizen: Hex; onOther: () => void }) {
  const { t } = useT();
  const directory = useDirectory();
  return (
    <section aria-labelledby="resident-title">
      <h1 id="resident-title">{t("agency.residentTitle")}</h1>
      <p class="mono" data-testid="agency-citizen">
        {citizen}
      </p>
      <button type="button" class="secondary" onClick={onOther}>
        {t("agency.otherResident")}
      </button>
      <CheckIdentity staff={staff} citizen={citizen} />
      <Ask staff={staff} citizen={citizen} directory={directory} />
      <ReadData staff={staff} citizen={citizen} directory={directory} />
    </section>
  );
}

function CheckIdentity({ staff, citizen }: { staff: StaffSignedIn; citizen: Hex }) {
  const { t } = useT();
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string }>();
  const [errors, setErrors] = useState<FieldError[]>([]);
  async function submit(event: Event) {
    event.preventDefault();
    const file = ((event.currentTarget as HTMLFormElement).elements.namedItem("proof-file") as HTMLInputElement).files?.[0];
    if (!file) return setErrors([{ field: "proof-file", text: t("agency.proofMissing") }]);
    setErrors([]);
    try {
      const parsed = JSON.parse(await file.text()) as { proof?: SignedIdentityProof } & SignedIdentityProof;
      const proof = parsed.proof ?? parsed;
      if (String(proof.message?.citizen).toLowerCase() !== citizen) return setOutcome({ ok: false, text: t("agency.proofOtherResident") });
      const verdict = await gateway.checkIdentityProof({ proof, token: staff.session.token });
      setOutcome(verdict.verified ? { ok: true, text: t("agency.identityVerified", { level: verdict.level }) } : { ok: false, text: t("agency.identityNotVerified", { reason: errorText(verdict.reason) }) });
    } catch (error) {
      setErrors([{ text: error instanceof SyntaxError ? t("agency.proofUnreadable") : errorText(codeOf(error)) }]);
    }
  }
  return (
    <section aria-labelledby="identity-title">
      <h2 id="identity-title">{t("agency.identityTitle")}</h2>
      <ErrorSummary errors={errors} />
      <form onSubmit={submit} noValidate>
        <Field id="proof-file" label={t("agency.proofLabel")} hint={t("agency.proofHint")} error={fieldError(errors, "proof-file")}>
          <input id="proof-file" name="proof-file" type="file" accept=".json,application/json" aria-describedby="proof-file-hint" />
        </Field>
        <button type="submit" class="primary">
          {t("agency.checkIdentity")}
        </button>
      </form>
      {outcome && (
        <p role="status" class={outcome.ok ? "verdict ok" : "verdict bad"}>
          {outcome.text}
        </p>
      )}
    </section>
  );
}

type Question = { key: string; predicate: PredicateJson; category: string };
const QUESTIONS: Question[] = [
  { key: "age18", predicate: { type: "ageAtLeast", years: 18 } as PredicateJson, category: "birth" },
  { key: "age65", predicate: { type: "ageAtLeast", years: 65 } as PredicateJson, category: "birth" },
];

function PurposeSelect({ id, directory }: { id: string; directory?: Directory }) {
  const { t, lang } = useT();
  return (
    <Field id={id} label={t("agency.purposeLabel")}>
      <select id={id} name={id}>
        {directory &&
          Object.entries(directory.purposes).map(([code, name]) => (
            <option key={code} value={code}>
              {name[lang]}
            </option>
          ))}
      </select>
    </Field>
  );
}

function Ask({ staff, citizen, directory }: { staff: StaffSignedIn; citizen: Hex; directory?: Directory }) {
  const { t } = useT();
  const [answer, setAnswer] = useState<{ result: boolean; seq: number }>();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  async function submit(event: Event) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const question = QUESTIONS.find((q) => q.key === (form.elements.namedItem("ask-question") as HTMLSelectElement).value)!;
    const purpose = (form.elements.namedItem("ask-purpose") as HTMLSelectElement).value as Hex;
    setBusy(true);
    setErrors([]);
    setAnswer(undefined);
    try {
      let nonce: Hex | undefined;
      const body = { citizen, scopes: String(1 << CATEGORY_BIT[question.category]), purpose, predicate: question.predicate };
      const got = await gateway.request<PredicateResult>({
        method: "POST",
        path: "/v1/access/predicate",
        body: JSON.stringify(body),
        auth: "bearer",
        token: staff.session.token,
        what: "predicate",
        headers: () => {
          nonce = randomBytes32();
          return { "x-imi-nonce": nonce, "x-imi-issued-at": String(Math.floor(Date.now() / 1000)) };
        },
      });
      // Shown only once verified here: signed by a key holding the gateway role on chain, for this
      // agency, resident, question and request, and fresh.
      const deployment = await getDeployment();
      const chain = createImiClient({ rpc: gatewayChainProvider(gateway, deployment.chainId), deployment: { chainId: deployment.chainId, contracts: deployment.contracts } as never });
      const verified = await verifyPredicateAnswer(chain, {
        answer: got.answer as never,
        signature: got.signature as Hex,
        question: { agency: staff.account.address, citizen, predicate: question.predicate as never },
        request: { nonce },
      });
      setAnswer({ result: verified.result, seq: verified.seq });
    } catch (error) {
      const code = codeOf(error);
      setErrors([{ text: (error as { name?: string }).name === "PredicateAnswerError" ? t("agency.answerNotVerified") : errorText(code) }]);
    } finally {
      setBusy(false);
    }
  }
  return (
    <section aria-labelledby="ask-title">
      <h2 id="ask-title">{t("agency.askTitle")}</h2>
      <p class="hint">{t("agency.askIntro")}</p>
      <ErrorSummary errors={errors} />
      <form onSubmit={submit} noValidate>
        <Field id="ask-question" label={t("agency.questionLabel")}>
          <select id="ask-question" name="ask-question">
            {QUESTIONS.map((q) => (
              <option key={q.key} value={q.key}>
                {t(`agency.question.${q.key}`)}
              </option>
            ))}
          </select>
        </Field>
        <PurposeSelect id="ask-purpose" directory={directory} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t("agency.asking") : t("agency.ask")}
        </button>
      </form>
      {answer && (
        <div role="status" class="verdict ok" data-testid="predicate-answer">
          <p class="answer">{answer.result ? t("agency.answerYes") : t("agency.answerNo")}</p>
          <p>{t("agency.answerVerified", { seq: answer.seq })}</p>
        </div>
      )}
    </section>
  );
}

function ReadData({ staff, citizen, directory }: { staff: StaffSignedIn; citizen: Hex; directory?: Directory }) {
  const { t, lang } = useT();
  const [data, setData] = useState<DataAnswer>();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  async function submit(event: Event) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const chosen = Object.keys(CATEGORY_BIT).filter((c) => (form.elements.namedItem(`read-${c}`) as HTMLInputElement).checked);
    if (!chosen.length) return setErrors([{ field: "read-identity", text: t("agency.chooseCategory") }]);
    const purpose = (form.elements.namedItem("read-purpose") as HTMLSelectElement).value as Hex;
    setBusy(true);
    setErrors([]);
    setData(undefined);
    try {
      const scopes = chosen.reduce((m, c) => m | (1 << CATEGORY_BIT[c]), 0);
      setData(await gateway.readCitizenData({ citizen, scopes, purpose, token: staff.session.token }));
    } catch (error) {
      setErrors([{ text: errorText(codeOf(error)) }]);
    } finally {
      setBusy(false);
    }
  }
  return (
    <section aria-labelledby="read-title">
      <h2 id="read-title">{t("agency.readTitle")}</h2>
      <p class="hint">{t("agency.readIntro")}</p>
      <ErrorSummary errors={errors} />
      <form onSubmit={submit} noValidate>
        <fieldset class="field">
          <legend>{t("agency.categoriesLabel")}</legend>
          {Object.keys(CATEGORY_BIT).map((c) => (
            <label class="choice" key={c}>
              <input type="checkbox" id={`read-${c}`} name={`read-${c}`} /> {directory ? categoryNames(directory, String(1 << CATEGORY_BIT[c]), lang) : c}
            </label>
          ))}
        </fieldset>
        <PurposeSelect id="read-purpose" directory={directory} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t("agency.reading") : t("agency.read")}
        </button>
      </form>
      {data && (
        <div role="status" data-testid="read-data">
          <dl class="data">
            {Object.entries((data as { data?: Record<string, Record<string, unknown>> }).data ?? {}).flatMap(([category, fields]) =>
              Object.entries(fields ?? {}).map(([field, value]) => (
                <>
                  <dt key={`${category}.${field}-t`}>{t(`agency.field.${field}`, { defaultValue: field })}</dt>
                  <dd key={`${category}.${field}-d`}>{String(value)}</dd>
                </>
              )),
            )}
          </dl>
          <p class="hint">{t("agency.readLogged", { seq: (data as { receipt?: { seq: number } }).receipt?.seq ?? "" })}</p>
        </div>
      )}
    </section>
  );
}

function Consents({ staff }: { staff: StaffSignedIn }) {
  const { t, lang } = useT();
  const directory = useDirectory();
  const [list, setList] = useState<Array<{ consentId: string; citizen?: string; scopes: string; purpose: string; status: string; validUntil: string }>>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    gateway.getAgencyConsents({ token: staff.session.token }).then(
      (page) => setList(page.consents as never),
      (e) => setError(errorText(codeOf(e))),
    );
  }, [staff]);
  return (
    <section aria-labelledby="agency-consents-title">
      <h2 id="agency-consents-title">{t("agency.consentsTitle")}</h2>
      {error && <p role="alert">{error}</p>}
      {!list && !error && <p>{t("app.loading")}</p>}
      {list && list.length === 0 && <p>{t("agency.noConsents")}</p>}
      {list && list.length > 0 && (
        <ul class="cards" data-testid="agency-consents">
          {list.map((c) => (
            <li key={c.consentId} class="card">
              <p>
                <strong>{t(`agency.status.${c.status}`, { defaultValue: c.status })}</strong> · {directory ? categoryNames(directory, c.scopes, lang) : c.scopes}
              </p>
              <p>{directory ? (purposeName(directory, c.purpose, lang) ?? c.purpose) : c.purpose}</p>
              <p class="hint">{t("agency.until", { date: formatDate(Number(c.validUntil) * 1000, lang) })}</p>
              <details>
                <summary>{t("app.details")}</summary>
                <p class="mono">{c.citizen}</p>
                <p class="mono">{c.consentId}</p>
              </details>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
