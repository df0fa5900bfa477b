import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Fastify, { type FastifyInstance } from "fastify";
import { Level } from "level";
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { HttpVault, LevelVault, VaultError, vaultHttpPlugin, type CitizenRecord } from "../../../node/vault/index.js";
import { openXChaCha } from "../../../node/vault/internal/openXChaCha.js";
import { randomId, tempDir } from "../indexer/helpers.js";

const MARKER = "Zhang-Wei-7f3c";
const record = (): CitizenRecord => ({
  identity: { name: MARKER, idNumber: "110101200104301234" },
  birth: { birthDate: "2001-04-30" },
  address: { district: "Haidian", street: "1 Example Road" },
});

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(VaultError);
    return (e as VaultError).code;
  }
}

describe("LevelVault", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const key = new Uint8Array(randomBytes(32));

  beforeAll(async () => {
    dir = await tempDir("vault");
  });
  afterAll(async () => dir.remove());

  it("stores, returns only the categories asked for, and erases", async () => {
    const vault = await LevelVault.open({ dir: join(dir.path, "a"), masterKey: key });
    const c = randomId();
    await vault.put(c, record());
    expect(await vault.get(c)).toEqual(record());
    expect(await vault.get(c, ["birth"])).toEqual({ birth: { birthDate: "2001-04-30" } });
    expect(await vault.get(c, ["health"])).toEqual({});
    expect(await vault.get(randomId())).toBeUndefined();
    expect(await vault.erase(c)).toBe(true);
    expect(await vault.get(c)).toBeUndefined();
    expect(await vault.erase(c)).toBe(false);
    await vault.close();
  });

  it("keeps no plaintext on disk", async () => {
    const path = join(dir.path, "b");
    const vault = await LevelVault.open({ dir: path, masterKey: key });
    for (let i = 0; i < 5; i++) await vault.put(randomId(), record());
    await vault.close();
    for (const file of await readdir(path)) {
      const bytes = await readFile(join(path, file));
      expect(bytes.includes(Buffer.from(MARKER))).toBe(false);
    }
  });

  it("refuses a record moved to another citizen, and a wrong master key (VAULT_CORRUPT)", async () => {
    const path = join(dir.path, "c");
    const a = randomId();
    const b = randomId();
    let vault = await LevelVault.open({ dir: path, masterKey: key });
    await vault.put(a, record());
    await vault.put(b, { birth: { birthDate: "1950-01-01" } });
    await vault.close();
    const raw = new Level<string, Uint8Array>(path, { valueEncoding: "view" });
    await raw.put(`r:${b}`, (await raw.get(`r:${a}`))!);
    await raw.put(`k:${b}`, (await raw.get(`k:${a}`))!);
    await raw.close();
    vault = await LevelVault.open({ dir: path, masterKey: key });
    expect(await codeOf(vault.get(b))).toBe("VAULT_CORRUPT");
    await vault.close();
    vault = await LevelVault.open({ dir: path, masterKey: new Uint8Array(randomBytes(32)) });
    expect(await codeOf(vault.get(a))).toBe("VAULT_CORRUPT");
    await vault.close();
  });

  it("reads the record written last, also after a read cached its key, and nothing after erasure", async () => {
    const vault = await LevelVault.open({ dir: join(dir.path, "f"), masterKey: key });
    const c = randomId();
    await vault.put(c, record());
    expect(await vault.get(c, ["birth"])).toEqual({ birth: { birthDate: "2001-04-30" } });
    await vault.put(c, { birth: { birthDate: "1999-12-31" } });
    expect(await vault.get(c, ["birth"])).toEqual({ birth: { birthDate: "1999-12-31" } });
    await vault.erase(c);
    expect(await vault.get(c)).toBeUndefined();
    await vault.close();
  });

  it("opens boxes sealed by noble's XChaCha20-Poly1305 exactly, and refuses any flipped bit", () => {
    for (let i = 0; i < 50; i++) {
      const k = new Uint8Array(randomBytes(32));
      const nonce = new Uint8Array(randomBytes(24));
      const aad = new Uint8Array(randomBytes(i % 40));
      const plaintext = new Uint8Array(randomBytes(i * 7));
      const sealed = xchacha20poly1305(k, nonce, aad).encrypt(plaintext);
      const box = new Uint8Array(24 + sealed.length);
      box.set(nonce);
      box.set(sealed, 24);
      expect(Buffer.from(openXChaCha(k, box, aad)).equals(Buffer.from(plaintext))).toBe(true);
      const flipped = box.slice();
      flipped[i % flipped.length] ^= 1 << (i % 8);
      expect(() => openXChaCha(k, flipped, aad)).toThrow();
      expect(() => openXChaCha(k, box, new Uint8Array([...aad, 0]))).toThrow();
    }
  });

  it("rejects malformed records and bad keys with codes", async () => {
    expect(await codeOf(LevelVault.open({ dir: join(dir.path, "d"), masterKey: new Uint8Array(16) }))).toBe("VAULT_CONFIG_INVALID");
    const vault = await LevelVault.open({ dir: join(dir.path, "e"), masterKey: key });
    expect(await codeOf(vault.put(randomId(), { birth: { nested: { x: 1 } } } as unknown as CitizenRecord))).toBe("VAULT_INVALID_RECORD");
    expect(await codeOf(vault.put(randomId(), { "bad name": {} } as unknown as CitizenRecord))).toBe("VAULT_INVALID_RECORD");
    expect(await codeOf(vault.put(randomId(), [] as unknown as CitizenRecord))).toBe("VAULT_INVALID_RECORD");
    await vault.close();
  });
});

describe("HttpVault against a department server", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: FastifyInstance;
  let backing: LevelVault;
  let vault: HttpVault;

  beforeAll(async () => {
    dir = await tempDir("httpvault");
    backing = await LevelVault.open({ dir: dir.path, masterKey: new Uint8Array(randomBytes(32)) });
    server = Fastify();
    await server.register(vaultHttpPlugin, { vault: backing, prefix: "/imi" });
    const address = await server.listen({ host: "127.0.0.1", port: 0 });
    vault = new HttpVault({ baseUrl: `${address}/imi` });
  });
  afterAll(async () => {
    await server.close();
    await backing.close();
    await dir.remove();
  });

  it("puts, gets by category and erases over HTTP", async () => {
    const c = randomId();
    await vault.put(c, record());
    expect(await vault.get(c, ["address"])).toEqual({ address: record().address });
    expect(await vault.get(randomId())).toBeUndefined();
    expect(await vault.erase(c)).toBe(true);
    expect(await vault.get(c)).toBeUndefined();
  });

  it("answers VAULT_UNAVAILABLE when the department is down", async () => {
    const down = new HttpVault({ baseUrl: "http://127.0.0.1:1/imi", timeoutMs: 1_000 });
    expect(await codeOf(down.get(randomId()))).toBe("VAULT_UNAVAILABLE");
    expect(await codeOf(down.put(randomId(), record()))).toBe("VAULT_UNAVAILABLE");
  });

  it("refuses a bad base URL at construction", () => {
    expect(() => new HttpVault({ baseUrl: "ftp://x" })).toThrowError(VaultError);
  });

  it("with a department token: the gateway's token opens it, a wrong or missing one reads and writes nothing", async () => {
    const token = "d".repeat(16) + "e".repeat(32);
    const guarded = Fastify();
    await guarded.register(vaultHttpPlugin, { vault: backing, token, prefix: "/imi" });
    const address = await guarded.listen({ host: "127.0.0.1", port: 0 });
    try {
      const c = randomId();
      const gateway = new HttpVault({ baseUrl: `${address}/imi`, token });
      await gateway.put(c, record());
      expect(await gateway.get(c, ["address"])).toEqual({ address: record().address });
      const stranger = new HttpVault({ baseUrl: `${address}/imi`, token: token.replace(/e$/, "f") });
      const anonymous = new HttpVault({ baseUrl: `${address}/imi` });
      for (const v of [stranger, anonymous]) {
        expect(await codeOf(v.get(c))).toBe("VAULT_UNAVAILABLE");
        expect(await codeOf(v.erase(c))).toBe("VAULT_UNAVAILABLE");
        expect(await codeOf(v.put(randomId(), record()))).toBe("VAULT_UNAVAILABLE");
      }
      expect(await backing.get(c, ["address"])).toEqual({ address: record().address });
      const raw = await fetch(`${address}/imi/records/${c}`);
      expect([raw.status, await raw.json()]).toEqual([401, { code: "UNAUTHORIZED" }]);
      const short = Fastify();
      await expect(short.register(vaultHttpPlugin, { vault: backing, token: "too-short" }).ready()).rejects.toMatchObject({ code: "VAULT_CONFIG_INVALID" });
      await short.close();
    } finally {
      await guarded.close();
    }
  });
});
