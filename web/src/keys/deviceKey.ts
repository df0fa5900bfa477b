// The citizen's key on this device: the Web3 Secret Storage keystore exactly as imported (scrypt +
// AES, so it is encrypted at rest under the person's password) and the identity number it signs
// for, in IndexedDB. The decrypted key lives only in memory for the signed-in session.
const DB = "imi";
const STORE = "keys";
const ID = "citizen";

export type StoredKey = { keystore: string; citizen: `0x${string}`; address: string; savedAt: number };

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

export const loadDeviceKey = (): Promise<StoredKey | undefined> => run("readonly", (s) => s.get(ID) as IDBRequest<StoredKey | undefined>);
export const saveDeviceKey = (key: StoredKey): Promise<unknown> => run("readwrite", (s) => s.put(key, ID));
export const forgetDeviceKey = (): Promise<unknown> => run("readwrite", (s) => s.delete(ID));
