// The options every LevelDB store of the node opens with.
//
// LevelDB keeps a cache of open table files (`maxOpenFiles` less 10 for its own files) and maps
// each one it opens into memory, up to 1,000 mapped files per process. A mapped table's pages
// count in the node's resident memory once read, and LevelDB reads every page of a table it
// has just written (it checks the table is usable), so a store that writes much keeps about as
// many resident 2 MB tables as its cache holds. With LevelDB's default of 1,000 open files the
// district's chain (about 3,900 tables at 1.23 million citizens) took the node's peak RSS to
// 1,796 MB, of which 652 MB was private memory: the rest was mapped tables (docs/scale.md).
//
// 74 is the least LevelDB accepts (it raises anything smaller to 74): 64 tables, so at most
// 128 MB mapped per store. A table that is not in the cache is opened again when it is next
// read (its index block parsed again); its pages stay in the kernel's page cache, so that is a
// system call and a parse, not a disk read. What that costs the district is in docs/scale.md.

/** LevelDB's least `maxOpenFiles`: 64 tables in its cache, at most about 128 MB of them mapped. */
export const STORE_MAX_OPEN_FILES = 74;

let maxOpenFiles = STORE_MAX_OPEN_FILES;

/**
 * Sets the open table files of every store opened after it (the node's `storage.maxOpenFiles`,
 * set once at start, before any store opens). LevelDB's own limit on mapped files is per process
 * too.
 */
export function setStoreMaxOpenFiles(files: number = STORE_MAX_OPEN_FILES): void {
  if (!Number.isInteger(files) || files < STORE_MAX_OPEN_FILES) throw new RangeError(`maxOpenFiles must be an integer of at least ${STORE_MAX_OPEN_FILES}, got ${files}`);
  maxOpenFiles = files;
}

/** `options` with the node's bound on open (and so mapped) table files. */
export function storeOptions<T extends object>(options: T): T & { maxOpenFiles: number } {
  return { ...options, maxOpenFiles };
}
