// The citizen's key on this device: the Web3 Secret Storage keystore exactly as imported (scrypt +
// AES, so it is encrypted at rest under the person's password) and the identity number it signs
// for, in IndexedDB. The decrypted key lives only in memory for the signed-in session.
import { objectStore } from "../storage/objectStore.js";

const DB = "imi";
const STORE = "keys";
const ID = "citizen";

export type StoredKey = { keystore: string; citizen: `0x${string}`; address: string; savedAt: number };

const run = objectStore(DB, STORE);

export const loadDeviceKey = (): Promise<StoredKey | undefined> => run("readonly", (s) => s.get(ID) as IDBRequest<StoredKey | undefined>);
export const saveDeviceKey = (key: StoredKey): Promise<unknown> => run("readwrite", (s) => s.put(key, ID));
export const forgetDeviceKey = (): Promise<unknown> => run("readwrite", (s) => s.delete(ID));
