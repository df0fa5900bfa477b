// A staff member's key on this desk: the Web3 Secret Storage keystore as imported (scrypt + AES,
// encrypted at rest under the staff password), per role, in its own IndexedDB database so the
// citizen's key store and the staff's never share a schema. The decrypted key and the session
// token live in this page's memory only (see staffSession.ts).
export type StaffRole = "registrar" | "agency" | "auditor" | "verifier";
export type StoredStaffKey = { keystore: string; address: string; savedAt: number };

const DB = "imi-staff";
const STORE = "keys";

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    let request: IDBOpenDBRequest;
    try {
      request = indexedDB.open(DB, 1);
    } catch (error) {
      reject(Object.assign(new Error("IndexedDB unavailable"), { code: "STORAGE_UNAVAILABLE", cause: error }));
      return;
    }
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(Object.assign(new Error("IndexedDB unavailable"), { code: "STORAGE_UNAVAILABLE", cause: request.error }));
  });
}

async function run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(Object.assign(new Error("IndexedDB failed"), { code: "STORAGE_UNAVAILABLE", cause: tx.error }));
    });
  } finally {
    db.close();
  }
}

export const loadStaffKey = (role: StaffRole): Promise<StoredStaffKey | undefined> => run("readonly", (s) => s.get(role) as IDBRequest<StoredStaffKey | undefined>);
export const saveStaffKey = (role: StaffRole, key: StoredStaffKey): Promise<unknown> => run("readwrite", (s) => s.put(key, role));
export const forgetStaffKey = (role: StaffRole): Promise<unknown> => run("readwrite", (s) => s.delete(role));
