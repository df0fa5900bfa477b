// The signed-in session, in memory only: the bearer token and the decrypted key are gone when the
// page is closed or reloaded (the keystore stays encrypted in IndexedDB).
import { useEffect, useState } from "preact/hooks";
import type { LocalAccount, PasskeySignerAccount } from "@imi-ledger/sdk";
import type { Session } from "./api/http.js";

/** The citizen's signer: a key opened from this device's keystore, or her passkey (each signature asks for face or fingerprint). */
export type CitizenSigner = LocalAccount | PasskeySignerAccount;

export type SignedIn = { session: Session; account: CitizenSigner };

let current: SignedIn | undefined;
const listeners = new Set<() => void>();

export function setSignedIn(value: SignedIn | undefined): void {
  current = value;
  for (const listener of listeners) listener();
}

export const signedIn = (): SignedIn | undefined => (current && current.session.expiresAt * 1000 > Date.now() ? current : undefined);

export function useSignedIn(): SignedIn | undefined {
  const [, bump] = useState(0);
  useEffect(() => {
    const on = () => bump((n) => n + 1);
    listeners.add(on);
    return () => void listeners.delete(on);
  }, []);
  return signedIn();
}
