import { useEffect, useState } from "preact/hooks";
import { errorText, formatDate, useT } from "../../i18n/index.js";
import { codeOf } from "../../api/http.js";
import { heldCredentials, keepCredential, myCredentials, type CitizenCredential, type IssuedCredential } from "../../api/credentials.js";
import { agencyName } from "../../api/directory.js";
import { useDirectory } from "../../useDirectory.js";
import { SignedInOnly } from "../../components/SignedInOnly.js";
import { ErrorSummary, type FieldError } from "../../components/ErrorSummary.js";
import { Field } from "../Home.js";
import type { SignedIn } from "../../session.js";

export function Credentials() {
  return <SignedInOnly>{(me) => <CredentialList me={me} />}</SignedInOnly>;
}

/** "My credentials": what is anchored about me and its status now; the ones kept on this device can show one claim. */
function CredentialList({ me }: { me: SignedIn }) {
  const { t, lang } = useT();
  const directory = useDirectory();
  const [anchored, setAnchored] = useState<CitizenCredential[]>();
  const [held, setHeld] = useState<Map<string, IssuedCredential>>(new Map());
  const [error, setError] = useState<string>();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [kept, setKept] = useState(false);
  const load = () => {
    Promise.all([myCredentials(me.session), heldCredentials(me.session.citizen)])
      .then(([list, here]) => {
        setAnchored(list);
        setHeld(here);
      })
      .catch((e: unknown) => setError(errorText(codeOf(e))));
  };
  useEffect(load, [me.session.token]);

  async function keep(event: Event) {
    event.preventDefault();
    const file = ((event.currentTarget as HTMLFormElement).elements.namedItem("credentialfile") as HTMLInputElement).files?.[0];
    setKept(false);
    if (!file) return setErrors([{ field: "credentialfile", text: t("credentials.fileMissing") }]);
    try {
      await keepCredential(await file.text(), me.session.citizen);
      setErrors([]);
      setKept(true);
      load();
    } catch (e) {
      setErrors([{ field: "credentialfile", text: errorText(codeOf(e)) }]);
    }
  }

  return (
    <main id="main" tabIndex={-1}>
      <h1>{t("credentials.title")}</h1>
      <p class="lead">{t("credentials.intro")}</p>
      {error && (
        <p class="error-summary" role="alert">
          {error}
        </p>
      )}
      {!anchored || !directory ? (
        !error && <p>{t("app.loading")}</p>
      ) : anchored.length === 0 ? (
        <p>{t("credentials.empty")}</p>
      ) : (
        <ul class="cards credentials">
          {anchored.map((c) => {
            const mine = held.get(c.credentialHash.toLowerCase());
            return (
              <li class={`card credential status-${c.status}`} key={c.credentialHash} data-credential={c.credentialHash} data-status={c.status}>
                <h2 class="card-title">{mine ? mine.disclosures.map((d) => d.name).join(" · ") : t("credentials.unnamed")}</h2>
                <p class={`status status-${c.status}`}>{t(`credentials.status_${c.status}`)}</p>
                <dl>
                  <dt>{t("credentials.issuer")}</dt>
                  <dd>{agencyName(directory, c.issuer, lang) ?? t("accesses.unknownAgency")}</dd>
                  <dt>{t("credentials.validUntil")}</dt>
                  <dd>{c.validUntil === "0" ? t("credentials.noExpiry") : formatDate(Number(c.validUntil) * 1000, lang)}</dd>
                </dl>
                {!mine ? (
                  <p class="hint">{t("credentials.notOnDevice")}</p>
                ) : c.status !== "valid" ? (
                  <p class="hint">{t("credentials.cannotShow")}</p>
                ) : (
                  <>
                    <h3 class="claims-title">{t("credentials.showOne")}</h3>
                    <ul class="claims">
                      {mine.disclosures.map((d) => (
                        <li key={d.name}>
                          <a class="button secondary" href={`/me/credentials/${c.credentialHash}/${encodeURIComponent(d.name)}`}>
                            {t("credentials.show", { claim: d.name })}
                          </a>
                        </li>
                      ))}
                    </ul>
                  </>
                )}
                <details>
                  <summary>{t("accesses.hex")}</summary>
                  <dl class="hex">
                    <dt>ID</dt>
                    <dd>{c.credentialHash}</dd>
                    <dt>{t("credentials.issuer")}</dt>
                    <dd>{c.issuer}</dd>
                  </dl>
                </details>
              </li>
            );
          })}
        </ul>
      )}
      <section aria-labelledby="keep-title">
        <h2 id="keep-title">{t("credentials.keepTitle")}</h2>
        <p>{t("credentials.keepIntro")}</p>
        <ErrorSummary errors={errors} />
        {kept && (
          <p role="status" class="notice">
            {t("credentials.kept")}
          </p>
        )}
        <form onSubmit={keep} noValidate>
          <Field id="credentialfile" label={t("credentials.fileLabel")} error={errors[0]?.text}>
            <input id="credentialfile" name="credentialfile" type="file" accept=".json,application/json" />
          </Field>
          <button type="submit" class="primary">
            {t("credentials.keep")}
          </button>
        </form>
      </section>
    </main>
  );
}
