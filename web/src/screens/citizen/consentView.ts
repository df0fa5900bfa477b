import type { ConsentJson } from "../../api/citizen.js";

export type ConsentStatus = "active" | "paused" | "revoked" | "expired" | "lapsed" | "none";

/** Status in words: the chain says active/paused/revoked; a window that has passed reads "expired". */
export function statusOf(c: ConsentJson, nowMs = Date.now()): ConsentStatus {
  if (c.status === "active" && Number(c.validUntil) * 1000 <= nowMs) return "expired";
  return c.status;
}

export const ACTIONS_BY_STATUS: Record<ConsentStatus, Array<"pause" | "resume" | "revoke">> = {
  active: ["pause", "revoke"],
  paused: ["resume", "revoke"],
  revoked: [],
  expired: [],
  // A guardian's grant whose guardianship ended: nothing reads under it; the citizen may still end it for good.
  lapsed: ["revoke"],
  none: [],
};
