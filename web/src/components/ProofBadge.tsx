import { useEffect, useState } from "preact/hooks";
import { useT } from "../i18n/index.js";
import type { AccessRecordJson } from "../api/citizen.js";
import { checkRecordProof, type ProofState } from "../api/proof.js";

const RETRY_MS = [1000, 2000, 4000, 8000, 15000];

/** The browser checks the record's inclusion proof itself; a record whose batch is not anchored yet is checked again shortly. */
export function ProofBadge({ record }: { record: AccessRecordJson }) {
  const { t } = useT();
  const [proof, setProof] = useState<ProofState>({ state: "checking" });
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = async (attempt: number) => {
      let next: ProofState;
      try {
        next = await checkRecordProof(record);
      } catch {
        next = { state: "pending" };
      }
      if (stopped) return;
      setProof(next);
      if (next.state === "pending" && attempt < RETRY_MS.length) timer = setTimeout(() => void check(attempt + 1), RETRY_MS[attempt]);
    };
    void check(0);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [record.seq, record.recordHash]);
  const hint =
    proof.state === "verified" ? t("proof.verifiedHint", { block: proof.blockNumber ?? "?" }) : proof.state === "pending" ? t("proof.pendingHint") : proof.state === "failed" ? t("proof.failedHint") : "";
  return (
    <p class={`badge proof-${proof.state}`} data-proof={proof.state} title={hint}>
      <span aria-hidden="true">{proof.state === "verified" ? "✔" : proof.state === "failed" ? "✖" : "…"}</span> {t(`proof.${proof.state}`)}
      {hint && <span class="visually-hidden">. {hint}</span>}
    </p>
  );
}
