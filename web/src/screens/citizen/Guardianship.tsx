import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import type { Hex } from "@imi-ledger/sdk";
import { errorText, formatDate, useT } from "../../i18n/index.js";
import { codeOf } from "../../api/http.js";
import { categoryNames } from "../../api/directory.js";
import { myGuardianship, ownIdentity, switchTo, type CitizenGuardianship } from "../../api/guardianship.js";
import { useDirectory } from "../../useDirectory.js";
import { SignedInOnly } from "../../components/SignedInOnly.js";
import type { SignedIn } from "../../session.js";

export function Guardianship() {
  return <SignedInOnly>{(me) => <Guardians me={me} />}</SignedInOnly>;
}

/** "Guardianship": who may act for me and over what; whom I may act for, with one tap to switch. */
function Guardians({ me }: { me: SignedIn }) {
  const { t, lang } = useT();
  const { route } = useLocation();
  const directory = useDirectory();
  const [data, setData] = useState<CitizenGuardianship>();
  const [own, setOwn] = useState<Hex>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    myGuardianship(me).then(setData, (e: unknown) => setError(errorText(codeOf(e))));
    ownIdentity().then(setOwn, () => undefined);
  }, [me.session.token]);

  async function act(citizen: Hex) {
    setBusy(true);
    setError(undefined);
    try {
      await switchTo(me, citizen);
      route("/me/accesses");
    } catch (e) {
      setError(errorText(codeOf(e)));
      setBusy(false);
    }
  }
  const until = (s: string) => formatDate(Number(s) * 1000, lang);
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t("guardianship.title")}</h1>
      {error && (
        <p class="error-summary" role="alert">
          {error}
        </p>
      )}
      {me.session.asGuardian && (
        <section class="acting-for" aria-labelledby="acting-title" data-acting-for={me.session.citizen}>
          <h2 id="acting-title">{t("guardianship.actingTitle")}</h2>
          <p>{t("guardianship.actingBody")}</p>
          {own && (
            <button type="button" class="primary" disabled={busy} onClick={() => void act(own)}>
              {t("guardianship.backToMe")}
            </button>
          )}
        </section>
      )}
      {!data || !directory ? (
        !error && <p>{t("app.loading")}</p>
      ) : (
        <>
          {!me.session.asGuardian && (
            <section aria-labelledby="guardians-title">
              <h2 id="guardians-title">{t("guardianship.guardiansTitle")}</h2>
              {data.guardians.length === 0 ? (
                <p>{t("guardianship.noGuardians")}</p>
              ) : (
                <ul class="cards">
                  {data.guardians.map((g, i) => (
                    <li class="card" key={g.guardian} data-guardian={g.guardian}>
                      <h3 class="card-title">{t("guardianship.guardianN", { n: i + 1 })}</h3>
                      <p>{t("guardianship.scope", { categories: categoryNames(directory, g.scopes, lang), until: until(g.expiresAt) })}</p>
                      <details>
                        <summary>{t("accesses.hex")}</summary>
                        <dl class="hex">
                          <dt>{t("identity.keyLabel")}</dt>
                          <dd>{g.guardian}</dd>
                        </dl>
                      </details>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          )}
          <section aria-labelledby="wards-title">
            <h2 id="wards-title">{t("guardianship.wardsTitle")}</h2>
            {data.wards.length === 0 ? (
              <p>{t("guardianship.noWards")}</p>
            ) : (
              <ul class="cards">
                {data.wards.map((w, i) => (
                  <li class="card" key={w.citizen} data-ward={w.citizen}>
                    <h3 class="card-title">{t("guardianship.wardN", { n: i + 1 })}</h3>
                    <p>{t("guardianship.scope", { categories: categoryNames(directory, w.scopes, lang), until: until(w.expiresAt) })}</p>
                    {w.citizen !== me.session.citizen.toLowerCase() && (
                      <button type="button" class="primary" disabled={busy} onClick={() => void act(w.citizen as Hex)}>
                        {t("guardianship.actFor", { n: i + 1 })}
                      </button>
                    )}
                    <details>
                      <summary>{t("accesses.hex")}</summary>
                      <dl class="hex">
                        <dt>{t("identity.idLabel")}</dt>
                        <dd>{w.citizen}</dd>
                      </dl>
                    </details>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </main>
  );
}
