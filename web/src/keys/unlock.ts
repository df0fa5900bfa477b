// Loaded only when a person imports a key or signs in: the keystore's scrypt and the signer are
// the largest part of the app and the start screen does not need them.
import { decryptKeystore, type Hex, type LocalAccount } from "@imi-ledger/sdk";
import { citizenLogin } from "../api/citizen.js";
import { loadDeviceKey, saveDeviceKey } from "./deviceKey.js";
import { setSignedIn } from "../session.js";

/** Checks the keystore opens with the password, then keeps it (still encrypted) on this device. */
export async function importKey(keystore: string, password: string, citizen: Hex): Promise<LocalAccount> {
  const account = await decryptKeystore(keystore, password);
  await saveDeviceKey({ keystore, citizen: citizen.toLowerCase() as Hex, address: account.address, savedAt: Date.now() });
  return account;
}

/** Opens the device's keystore and proves the key to the gateway (citizen login). */
export async function signIn(password: string): Promise<void> {
  const stored = await loadDeviceKey();
  if (!stored) throw Object.assign(new Error("no key on this device"), { code: "NO_KEY_ON_DEVICE" });
  const account = await decryptKeystore(stored.keystore, password);
  const session = await citizenLogin(account, stored.citizen);
  setSignedIn({ session, account });
}
