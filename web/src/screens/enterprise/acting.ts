// Acting for an enterprise: which enterprise the signed-in representative has chosen to act for. Kept
// in memory with the session it was chosen under, so signing out, switching to a ward or back, or a
// reload ends it. Nothing here grants anything: the gateway and the contracts check her scopes at each
// request and signature.
import { useEffect, useState } from "preact/hooks";
import type { CitizenEnterprises } from "@imi-ledger/sdk";
import { signedIn, useSignedIn } from "../../session.js";

export type RepresentedEnterprise = CitizenEnterprises["enterprises"][number];

let current: { token: string; enterprise: RepresentedEnterprise } | undefined;
const listeners = new Set<() => void>();

export function setActingFor(enterprise: RepresentedEnterprise | undefined): void {
  const me = signedIn();
  current = enterprise && me ? { token: me.session.token, enterprise } : undefined;
  for (const listener of listeners) listener();
}

export function actingFor(): RepresentedEnterprise | undefined {
  const me = signedIn();
  return current && me && me.session.token === current.token ? current.enterprise : undefined;
}

export function useActingFor(): RepresentedEnterprise | undefined {
  useSignedIn();
  const [, bump] = useState(0);
  useEffect(() => {
    const on = () => bump((n) => n + 1);
    listeners.add(on);
    return () => void listeners.delete(on);
  }, []);
  return actingFor();
}

/** The enterprise's name as the page shows it: the register's name, else its code, else the start of its id. */
export function enterpriseLabel(e: RepresentedEnterprise): string {
  return e.name ?? e.code ?? `${e.enterprise.slice(0, 10)}…`;
}

export const hasScope = (e: RepresentedEnterprise, scope: "consent" | "tracker" | "credit" | "identity"): boolean => e.scopeNames.includes(scope);
