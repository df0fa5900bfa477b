// Guardianship: who guards me, whom I guard, and switching the session to a ward (the guardian's
// own key logs in with the ward's identity number; the gateway answers a guardian session and the
// ledger holds every act to the guardian's scopes).
import type { CitizenGuardianship, Hex } from "@imi-ledger/sdk";
import { loadDeviceKey } from "../keys/deviceKey.js";
import { citizenLogin } from "./citizen.js";
import { gateway } from "./client.js";
import { setSignedIn, type SignedIn } from "../session.js";

export type { CitizenGuardianship };

export function myGuardianship(me: SignedIn): Promise<CitizenGuardianship> {
  return gateway.getCitizenGuardianship({ token: me.session.token });
}

/** Opens a session for `citizen` with the same key: a ward (as guardian), or the key's own identity again. */
export async function switchTo(me: SignedIn, citizen: Hex): Promise<void> {
  setSignedIn({ session: await citizenLogin(me.account, citizen), account: me.account });
}

/** The identity this device's key was set up for (to switch back from a ward). */
export async function ownIdentity(): Promise<Hex | undefined> {
  return (await loadDeviceKey())?.citizen;
}
