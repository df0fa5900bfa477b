// "Community" (共享社区): the resident's endorsed facts; sharing chosen facts with a neighbour for a
// while (choose facts, choose who, for how long, then check before signing); what she shares, with
// one tap to stop; what neighbours share with her; and who viewed which of her facts.
import { useEffect, useState } from "preact/hooks";
import type { Hex } from "@imi-ledger/sdk";
import { errorText, formatDate, formatDateTime, useT } from "../../i18n/index.js";
import { codeOf } from "../../api/errorCode.js";
import { myCommunity, revokeShare, shareFacts, viewShare, type CitizenCommunity, type CommunityView } from "../../api/community.js";
import { SignedInOnly } from "../../components/SignedInOnly.js";
import type { SignedIn } from "../../session.js";

export function Community() {
  return <SignedInOnly>{(me) => <CommunityScreen me={me} />}</SignedInOnly>;
}

const DURATIONS = [1, 7, 30] as const;
const BYTES32 = /^0x[0-9a-fA-F]{64}$/;
type Step = "form" | "check" | "done";

function CommunityScreen({ me }: { me: SignedIn }) {
  const { t, lang } = useT();
  const [data, setData] = useState<CitizenCommunity>();
  const [error, setError] = useState<string>();
  const [step, setStep] = useState<Step>("form");
  const [chosen, setChosen] = useState<Hex[]>([]);
  const [neighbour, setNeighbour] = useState("");
  const [days, setDays] = useState<number>(7);
  const [fieldError, setFieldError] = useState<{ facts?: string; neighbour?: string }>({});
  const [busy, setBusy] = useState(false);
  const [seen, setSeen] = useState<Record<string, CommunityView>>({});

  const load = () => myCommunity(me).then(setData, (e: unknown) => setError(errorText(codeOf(e))));
  useEffect(() => {
    void load();
  }, [me.session.token]);

  const factName = (fact: string) => t(`community.fact_${fact}`);
  const yesNo = (value: boolean) => (value ? t("community.yes") : t("community.no"));
  const until = (s: string) => formatDate(Number(s) * 1000, lang);
  const validFacts = data?.facts.filter((f) => f.status === "valid") ?? [];

  function check(e: Event) {
    e.preventDefault();
    const errors: { facts?: string; neighbour?: string } = {};
    if (chosen.length === 0) errors.facts = t("community.chooseFactsMissing");
    const id = neighbour.trim();
    if (!BYTES32.test(id)) errors.neighbour = t("community.neighbourInvalid");
    else if (id.toLowerCase() === me.session.citizen.toLowerCase()) errors.neighbour = t("community.neighbourSelf");
    setFieldError(errors);
    if (!errors.facts && !errors.neighbour) setStep("check");
  }

  async function confirm() {
    setBusy(true);
    setError(undefined);
    try {
      await shareFacts(me, { neighbour: neighbour.trim() as Hex, facts: chosen, days });
      setStep("done");
      setChosen([]);
      setNeighbour("");
      await load();
    } catch (e) {
      setError(errorText(codeOf(e)));
    } finally {
      setBusy(false);
    }
  }

  async function stop(shareId: Hex) {
    setBusy(true);
    setError(undefined);
    try {
      await revokeShare(me, shareId);
      await load();
    } catch (e) {
      setError(errorText(codeOf(e)));
    } finally {
      setBusy(false);
    }
  }

  async function look(shareId: Hex) {
    setError(undefined);
    try {
      const v = await viewShare(me, shareId);
      setSeen((s) => ({ ...s, [shareId]: v }));
    } catch (e) {
      setSeen((s) => {
        const next = { ...s };
        delete next[shareId];
        return next;
      });
      setError(errorText(codeOf(e)));
      await load();
    }
  }

  const uidFact = (uid: string) => data?.facts.find((f) => f.uid.toLowerCase() === uid.toLowerCase());

  return (
    <main id="main" tabIndex={-1}>
      <h1>{t("community.title")}</h1>
      {error && (
        <p class="error-summary" role="alert">
          {error}
        </p>
      )}
      {!data ? (
        !error && <p>{t("app.loading")}</p>
      ) : (
        <>
          <section aria-labelledby="facts-title">
            <h2 id="facts-title">{t("community.factsTitle")}</h2>
            <p>{t("community.factsIntro")}</p>
            {data.facts.length === 0 ? (
              <p>{t("community.noFacts")}</p>
            ) : (
              <ul class="cards">
                {data.facts.map((f) => (
                  <li class="card" key={f.uid} data-fact={f.fact}>
                    <h3 class="card-title">
                      {factName(f.fact)}: {yesNo(f.value)}
                    </h3>
                    <p>{t(`community.factStatus_${f.status}`)}</p>
                  </li>
                ))}
              </ul>
            )}
          </section>

          <section aria-labelledby="share-title">
            <h2 id="share-title">{t("community.shareTitle")}</h2>
            {step === "done" && (
              <p class="confirmation" role="status" data-shared="yes">
                {t("community.shared")}
              </p>
            )}
            {step !== "check" && validFacts.length > 0 && (
              <form onSubmit={check} noValidate>
                <fieldset aria-describedby={fieldError.facts ? "facts-error" : undefined}>
                  <legend>{t("community.chooseFacts")}</legend>
                  {fieldError.facts && (
                    <p id="facts-error" class="field-error">
                      {fieldError.facts}
                    </p>
                  )}
                  {validFacts.map((f) => (
                    <label key={f.uid} class="choice">
                      <input
                        type="checkbox"
                        name="facts"
                        value={f.uid}
                        checked={chosen.includes(f.uid as Hex)}
                        onChange={(e) => {
                          const on = (e.currentTarget as HTMLInputElement).checked;
                          setChosen((c) => (on ? [...c, f.uid as Hex] : c.filter((u) => u !== f.uid)));
                          setStep("form");
                        }}
                      />{" "}
                      {factName(f.fact)}: {yesNo(f.value)}
                    </label>
                  ))}
                </fieldset>
                <label for="neighbour">{t("community.chooseNeighbour")}</label>
                <p class="hint" id="neighbour-hint">
                  {t("community.neighbourHint")}
                </p>
                {fieldError.neighbour && (
                  <p id="neighbour-error" class="field-error">
                    {fieldError.neighbour}
                  </p>
                )}
                <input
                  id="neighbour"
                  name="neighbour"
                  type="text"
                  autocomplete="off"
                  spellcheck={false}
                  aria-describedby={fieldError.neighbour ? "neighbour-hint neighbour-error" : "neighbour-hint"}
                  value={neighbour}
                  onInput={(e) => setNeighbour((e.currentTarget as HTMLInputElement).value)}
                />
                <label for="duration">{t("community.chooseDuration")}</label>
                <select id="duration" name="duration" value={String(days)} onChange={(e) => setDays(Number((e.currentTarget as HTMLSelectElement).value))}>
                  {DURATIONS.map((d) => (
                    <option key={d} value={String(d)}>
                      {t(`community.duration_${d}`)}
                    </option>
                  ))}
                </select>
                <button type="submit" class="primary">
                  {t("app.continue")}
                </button>
              </form>
            )}
            {step !== "check" && validFacts.length === 0 && <p>{t("community.nothingToShare")}</p>}
            {step === "check" && (
              <div class="check-answers">
                <h3>{t("community.checkTitle")}</h3>
                <dl>
                  <dt>{t("community.checkFacts")}</dt>
                  <dd>{chosen.map((u) => uidFact(u)).map((f) => (f ? `${factName(f.fact)}: ${yesNo(f.value)}` : "")).join("、")}</dd>
                  <dt>{t("community.checkNeighbour")}</dt>
                  <dd class="hex">{neighbour.trim()}</dd>
                  <dt>{t("community.checkDuration")}</dt>
                  <dd>{t(`community.duration_${days}`)}</dd>
                </dl>
                <p>{t("community.checkBody")}</p>
                <button type="button" class="primary" disabled={busy} onClick={() => void confirm()}>
                  {t("community.confirmShare")}
                </button>{" "}
                <button type="button" disabled={busy} onClick={() => setStep("form")}>
                  {t("app.back")}
                </button>
              </div>
            )}
          </section>

          <section aria-labelledby="mine-title">
            <h2 id="mine-title">{t("community.sharedTitle")}</h2>
            {data.shared.length === 0 ? (
              <p>{t("community.noShares")}</p>
            ) : (
              <ul class="cards">
                {data.shared.map((s) => (
                  <li class="card" key={s.shareId} data-share={s.shareId} data-status={s.status}>
                    <h3 class="card-title">{s.facts.map(factName).join("、")}</h3>
                    <p>{t(`community.shareStatus_${s.status}`, { until: until(s.validUntil) })}</p>
                    <p class="hex">{t("community.withNeighbour", { id: s.neighbour })}</p>
                    {s.status === "active" && (
                      <button type="button" disabled={busy} onClick={() => void stop(s.shareId as Hex)}>
                        {t("community.stopSharing")}
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </section>

          <section aria-labelledby="views-title">
            <h2 id="views-title">{t("community.viewsTitle")}</h2>
            {data.views.length === 0 ? (
              <p>{t("community.noViews")}</p>
            ) : (
              <ul class="cards">
                {data.views.map((v) => (
                  <li class={`card ${v.decision === "allowed" ? "allowed" : "refused"}`} key={v.seq} data-seq={v.seq} data-decision={v.decision}>
                    <h3 class="card-title">
                      {v.decision === "allowed"
                        ? t("community.viewed", { name: v.viewerName ?? t("community.someone"), facts: v.facts.map((f) => `${factName(f.fact)}, ${yesNo(f.value)}`).join("；") })
                        : t("community.viewRefused", { name: v.viewerName ?? t("community.someone"), reason: errorText(v.reason) })}
                    </h3>
                    <p>
                      <time dateTime={new Date(v.time).toISOString()}>{formatDateTime(v.time, lang)}</time>
                    </p>
                  </li>
                ))}
              </ul>
            )}
          </section>

          <section aria-labelledby="with-me-title">
            <h2 id="with-me-title">{t("community.withMeTitle")}</h2>
            <p>{t("community.myId")}</p>
            <p class="hex" data-my-id>
              {me.session.citizen}
            </p>
            {data.sharedWithMe.length === 0 ? (
              <p>{t("community.nothingWithMe")}</p>
            ) : (
              <ul class="cards">
                {data.sharedWithMe.map((s) => (
                  <li class="card" key={s.shareId} data-shared-with-me={s.shareId} data-status={s.status}>
                    <h3 class="card-title">{t("community.fromResident", { name: s.residentName ?? t("community.someone") })}</h3>
                    <p>{t(`community.shareStatus_${s.status}`, { until: until(s.validUntil) })}</p>
                    {seen[s.shareId] ? (
                      <ul data-seen={s.shareId}>
                        {seen[s.shareId].facts.map((f) => (
                          <li key={f.fact}>
                            {factName(f.fact)}: {yesNo(f.value)}
                          </li>
                        ))}
                      </ul>
                    ) : (
                      s.status === "active" && (
                        <button type="button" onClick={() => void look(s.shareId as Hex)}>
                          {t("community.look")}
                        </button>
                      )
                    )}
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
