import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { randomBytes } from "@noble/ciphers/utils.js";
import { Level } from "level";
import { storeOptions } from "../storage/levelOptions.js";
import type { Logger } from "pino";
import { reopenWhenRoom, StoreHealth, type PartStatus } from "../storage/StoreHealth.js";
import { appendErasures, keyFingerprint, readErasureRegister } from "./internal/erasureRegister.js";
import { openXChaCha } from "./internal/openXChaCha.js";
import { pick, validateRecord, VaultError, type CitizenRecord, type Vault } from "./Vault.js";

export type LevelVaultOptions = {
  /** Directory of the vault's LevelDB. */
  dir: string;
  /** 32-byte key-encryption key. Whoever holds it and the directory can read every record. */
  masterKey: Uint8Array;
  /**
   * The erasure register (internal/erasureRegister.ts): every erasure is recorded there before the
   * data key is deleted, and every data key it names is deleted again when the vault opens, so a
   * restored backup cannot bring an erased record back. Without it, erasure holds only until a
   * backup taken before it is restored.
   */
  erasureRegister?: string;
  logger?: Logger;
};

const enc = new TextEncoder();
const dec = new TextDecoder();

function seal(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  const nonce = randomBytes(24); // XChaCha: random 192-bit nonces never collide in practice
  const sealed = xchacha20poly1305(key, nonce, aad).encrypt(plaintext);
  const out = new Uint8Array(24 + sealed.length);
  out.set(nonce);
  out.set(sealed, 24);
  return out;
}

/** Unwrapped data keys kept at most; beyond that the oldest is dropped and unwrapped again when read. */
const DATA_KEY_CACHE = 10_000;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/**
 * Citizen records in LevelDB, encrypted with XChaCha20-Poly1305. Each citizen has a random data key,
 * stored wrapped under the master key; erasing a citizen deletes that data key, after which any
 * copy of the ciphertext (backups, old LevelDB tables) is unreadable. The citizen id is bound into
 * both ciphertexts as associated data, so records cannot be swapped between citizens on disk.
 */
export class LevelVault implements Vault {
  /**
   * Unwrapped data keys by citizen, with the wrapped bytes they came from. The master key that
   * unwraps every data key is in memory anyway, so keeping the unwrapped ones exposes nothing new
   * and saves a decryption per read. An entry is used only while the stored wrapped key is still
   * the same bytes, and put and erase drop it, so an erased citizen's key leaves memory too.
   */
  private readonly dataKeys = new Map<string, { wrapped: Uint8Array; key: Uint8Array }>();
  private erasureRegister: string | undefined;
  /**
   * After a failed write the vault answers nothing (reads included) until it has reopened its
   * database: the part is unavailable as a whole, which is what /readyz and the 503s say.
   */
  private readonly health: StoreHealth;

  private constructor(
    private readonly db: Level<string, Uint8Array>,
    private readonly masterKey: Uint8Array,
    dir: string,
    logger: Logger | undefined,
  ) {
    this.health = new StoreHealth({
      part: "vault",
      code: "VAULT_UNAVAILABLE",
      message: "The vault cannot be written.",
      recover: async () => {
        await reopenWhenRoom(db, dir);
        await db.batch([{ type: "put", key: "m:probe", value: new Uint8Array(1) }, { type: "del", key: "m:probe" }], { sync: true });
      },
      logger,
    });
  }

  /** The vault's part of /readyz. */
  status(): PartStatus {
    return this.health.status();
  }

  static async open(options: LevelVaultOptions): Promise<LevelVault> {
    if (!(options.masterKey instanceof Uint8Array) || options.masterKey.length !== 32)
      throw new VaultError("VAULT_CONFIG_INVALID", "vault.masterKey: must be 32 bytes. Generate one with a CSPRNG and keep it in the keystore.");
    const db = new Level<string, Uint8Array>(options.dir, storeOptions({ valueEncoding: "view" }));
    try {
      await db.open();
    } catch (cause) {
      throw new VaultError("VAULT_UNAVAILABLE", "The vault database cannot be opened.", { cause });
    }
    const vault = new LevelVault(db, options.masterKey, options.dir, options.logger);
    vault.erasureRegister = options.erasureRegister;
    try {
      await vault.applyErasures();
    } catch (cause) {
      await db.close();
      throw new VaultError("VAULT_UNAVAILABLE", "The vault's erasure register cannot be applied.", { cause });
    }
    return vault;
  }

  /** Deletes every data key the erasure register names (a backup restored from before an erasure has them). */
  private async applyErasures(): Promise<void> {
    if (!this.erasureRegister) return;
    const ops: Array<{ type: "del"; key: string }> = [];
    for (const [id, keys] of await readErasureRegister(this.erasureRegister)) {
      const wrapped = await this.db.get(`k:${id}`);
      if (wrapped && keys.has(keyFingerprint(wrapped))) ops.push({ type: "del", key: `k:${id}` }, { type: "del", key: `r:${id}` });
    }
    if (ops.length > 0) await this.db.batch(ops, { sync: true });
  }

  /** Records in the erasure register that the citizen's current data key is destroyed, before it is. */
  private async recordErasure(id: string): Promise<void> {
    if (!this.erasureRegister) return;
    try {
      const wrapped = await this.db.get(`k:${id}`);
      if (wrapped) await appendErasures(this.erasureRegister, [{ citizen: id, key: keyFingerprint(wrapped) }]);
    } catch (cause) {
      throw new VaultError("VAULT_UNAVAILABLE", "Recording the erasure failed.", { cause });
    }
  }

  async put(citizen: string, record: CitizenRecord): Promise<void> {
    await this.putMany([{ citizen, record }]);
  }

  /**
   * One LevelDB batch and one sync for every record: a service window's backlog is written at the
   * disk's sync rate per batch rather than per citizen. Every record is checked before anything is
   * written, so a bad one leaves the vault as it was.
   */
  async putMany(entries: ReadonlyArray<{ citizen: string; record: CitizenRecord }>): Promise<void> {
    const ops: Array<{ type: "put"; key: string; value: Uint8Array }> = [];
    const sealed = entries.map(({ citizen, record }) => ({ id: citizen.toLowerCase(), clean: validateRecord(record) }));
    for (const { id, clean } of sealed) {
      const aad = enc.encode(id);
      const dataKey = randomBytes(32);
      this.forget(id);
      ops.push(
        { type: "put", key: `k:${id}`, value: seal(this.masterKey, dataKey, aad) },
        { type: "put", key: `r:${id}`, value: seal(dataKey, enc.encode(JSON.stringify(clean)), aad) },
      );
    }
    if (ops.length === 0) return;
    this.health.assertOk();
    try {
      await this.db.batch(ops, { sync: true });
    } catch (cause) {
      this.health.fail(cause);
      throw new VaultError("VAULT_UNAVAILABLE", "Writing to the vault failed.", { cause });
    }
  }

  /**
   * Undoes a {@link putMany} whose registrations the chain refused: one batch, one sync. Records
   * in the erasure register like {@link erase}, because a backup may already hold them.
   */
  async eraseMany(citizens: readonly string[]): Promise<void> {
    const ids = citizens.map((c) => c.toLowerCase());
    for (const id of ids) {
      this.forget(id);
      await this.recordErasure(id);
    }
    this.health.assertOk();
    try {
      await this.db.batch(ids.flatMap((id) => [{ type: "del" as const, key: `k:${id}` }, { type: "del" as const, key: `r:${id}` }]), { sync: true });
    } catch (cause) {
      this.health.fail(cause);
      throw new VaultError("VAULT_UNAVAILABLE", "Erasing from the vault failed.", { cause });
    } finally {
      for (const id of ids) this.forget(id);
    }
  }

  async get(citizen: string, categories?: readonly string[]): Promise<CitizenRecord | undefined> {
    const id = citizen.toLowerCase();
    let wrapped: Uint8Array | undefined;
    let box: Uint8Array | undefined;
    this.health.assertOk();
    try {
      // Synchronous reads: the two small values sit in LevelDB's block cache or the OS page cache,
      // where getSync costs ~1 µs against ~10 µs of thread-pool round trip for getMany (measured),
      // and the vault read is on every access's path.
      wrapped = this.db.getSync(`k:${id}`);
      box = wrapped === undefined ? undefined : this.db.getSync(`r:${id}`);
    } catch (cause) {
      throw new VaultError("VAULT_UNAVAILABLE", "Reading the vault failed.", { cause });
    }
    if (!wrapped || !box) return undefined;
    const aad = enc.encode(id);
    let record: CitizenRecord;
    try {
      record = JSON.parse(dec.decode(openXChaCha(this.dataKeyOf(id, wrapped, aad), box, aad))) as CitizenRecord;
    } catch (cause) {
      throw new VaultError("VAULT_CORRUPT", "A vault entry failed authentication.", { cause });
    }
    return pick(record, categories);
  }

  private dataKeyOf(id: string, wrapped: Uint8Array, aad: Uint8Array): Uint8Array {
    const cached = this.dataKeys.get(id);
    if (cached && sameBytes(cached.wrapped, wrapped)) return cached.key;
    const key = Uint8Array.from(openXChaCha(this.masterKey, wrapped, aad));
    if (this.dataKeys.size >= DATA_KEY_CACHE) this.forget(this.dataKeys.keys().next().value as string);
    this.dataKeys.set(id, { wrapped: Uint8Array.from(wrapped), key });
    return key;
  }

  private forget(id: string): void {
    this.dataKeys.get(id)?.key.fill(0);
    this.dataKeys.delete(id);
  }

  async erase(citizen: string): Promise<boolean> {
    const id = citizen.toLowerCase();
    this.forget(id);
    await this.recordErasure(id);
    this.health.assertOk();
    try {
      const existed = (await this.db.get(`k:${id}`)) !== undefined;
      try {
        await this.db.batch([{ type: "del", key: `k:${id}` }, { type: "del", key: `r:${id}` }], { sync: true });
      } catch (cause) {
        this.health.fail(cause);
        throw cause;
      }
      return existed;
    } catch (cause) {
      throw new VaultError("VAULT_UNAVAILABLE", "Erasing from the vault failed.", { cause });
    } finally {
      // A read while the delete was in flight may have cached the key again.
      this.forget(id);
    }
  }

  async close(): Promise<void> {
    await this.health.close();
    for (const id of [...this.dataKeys.keys()]) this.forget(id);
    await this.db.close();
  }
}
