// A staff member's key on this desk: the Web3 Secret Storage keystore as imported (scrypt + AES,
// encrypted at rest under the staff password), per role, in its own IndexedDB database so the
// citizen's key store and the staff's never share a schema. The decrypted key and the session
// token live in this page's memory only (see staffSession.ts).
import { objectStore } from "../storage/objectStore.js";

export type StaffRole = "registrar" | "agency" | "auditor" | "verifier";
export type StoredStaffKey = { keystore: string; address: string; savedAt: number };

const DB = "imi-staff";
const STORE = "keys";

const run = objectStore(DB, STORE);

export const loadStaffKey = (role: StaffRole): Promise<StoredStaffKey | undefined> => run("readonly", (s) => s.get(role) as IDBRequest<StoredStaffKey | undefined>);
export const saveStaffKey = (role: StaffRole, key: StoredStaffKey): Promise<unknown> => run("readwrite", (s) => s.put(key, role));
export const forgetStaffKey = (role: StaffRole): Promise<unknown> => run("readwrite", (s) => s.delete(role));
