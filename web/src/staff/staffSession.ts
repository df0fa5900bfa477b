// Staff sessions, in memory only, one per role: the gateway token and the decrypted key are gone
// when the page is closed or reloaded; the keystore stays encrypted in IndexedDB (staffKey.ts).
import { useEffect, useState } from "preact/hooks";
import type { GatewaySession, LocalAccount } from "@imi-ledger/sdk";
import type { StaffRole } from "./staffKey.js";

export type StaffSignedIn = { session: GatewaySession; account: LocalAccount };

const current = new Map<StaffRole, StaffSignedIn>();
const listeners = new Set<() => void>();

export function setStaff(role: StaffRole, value: StaffSignedIn | undefined): void {
  if (value) current.set(role, value);
  else current.delete(role);
  for (const listener of listeners) listener();
}

export function staffOf(role: StaffRole): StaffSignedIn | undefined {
  const s = current.get(role);
  return s && s.session.expiresAt * 1000 > Date.now() ? s : undefined;
}

export function useStaff(role: StaffRole): StaffSignedIn | undefined {
  const [, bump] = useState(0);
  useEffect(() => {
    const on = () => bump((n) => n + 1);
    listeners.add(on);
    return () => void listeners.delete(on);
  }, []);
  return staffOf(role);
}
