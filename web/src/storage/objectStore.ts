// One IndexedDB object store of this origin's (the citizen's key, the staff keys, the credentials a
// citizen holds each keep their own database, so no two ever share a schema). Each call opens the
// database, runs one request in its own transaction and closes it; a browser without IndexedDB
// (or one that refuses it, as private modes may) answers STORAGE_UNAVAILABLE.

function unavailable(message: string, cause: unknown): Error {
  return Object.assign(new Error(message), { code: "STORAGE_UNAVAILABLE", cause });
}

function open(database: string, store: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    let request: IDBOpenDBRequest;
    try {
      request = indexedDB.open(database, 1);
    } catch (error) {
      reject(unavailable("IndexedDB unavailable", error));
      return;
    }
    request.onupgradeneeded = () => request.result.createObjectStore(store);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(unavailable("IndexedDB unavailable", request.error));
  });
}

export type ObjectStore = <T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>) => Promise<T>;

/** The store `store` in database `database` (both created on first use). */
export function objectStore(database: string, store: string): ObjectStore {
  return async <T>(mode: IDBTransactionMode, work: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> => {
    const db = await open(database, store);
    try {
      return await new Promise<T>((resolve, reject) => {
        const tx = db.transaction(store, mode);
        const request = work(tx.objectStore(store));
        tx.oncomplete = () => resolve(request.result);
        tx.onerror = () => reject(unavailable("IndexedDB failed", tx.error));
      });
    } finally {
      db.close();
    }
  };
}
