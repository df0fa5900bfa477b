import { Wallet, encryptKeystoreJson, getBytes, verifyMessage } from "ethers";
import { describe, expect, test } from "vitest";
import {
  InvalidKeyError,
  decryptKeystore,
  encryptKeystore,
  generatePrivateKey,
  privateKeyToAccount,
  type Hex,
} from "@imi-ledger/sdk";
import { caught } from "./fixture.js";

describe("keys", () => {
  test("a generated key has the address ethers derives and signs what ethers verifies", () => {
    const privateKey = generatePrivateKey();
    const account = privateKeyToAccount(privateKey);
    const wallet = new Wallet(privateKey);
    expect(account.address).toBe(wallet.address);
    expect(account.publicKey).toBe(wallet.signingKey.publicKey);
    expect(verifyMessage("I am me", account.signMessage("I am me"))).toBe(account.address);
    const digest = `0x${"42".repeat(32)}` as Hex;
    expect(account.signDigest(digest)).toBe(wallet.signingKey.sign(getBytes(digest)).serialized);
    expect(account.exportPrivateKey()).toBe(privateKey);
  });

  test("invalid private keys are refused with INVALID_KEY", async () => {
    for (const bad of ["0x1234", `0x${"00".repeat(32)}`, `0x${"ff".repeat(32)}`, "not hex"]) {
      const error = await caught(() => privateKeyToAccount(bad as Hex));
      expect(error).toBeInstanceOf(InvalidKeyError);
      expect(error.code).toBe("INVALID_KEY");
    }
  });

  test("keystore: Web3 Secret Storage v3 round trip, readable by ethers, and ethers' keystores readable here", async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    const json = await encryptKeystore(account, "correct horse", { scryptN: 1024 });
    const parsed = JSON.parse(json);
    expect(parsed.version).toBe(3);
    // ethers writes "Crypto" (as geth once did); readers accept either spelling.
    expect(parsed.crypto ?? parsed.Crypto).toMatchObject({ cipher: "aes-128-ctr", kdf: "scrypt" });
    expect((await decryptKeystore(json, "correct horse")).address).toBe(account.address);
    expect((await Wallet.fromEncryptedJson(json, "correct horse")).address).toBe(account.address);

    const wallet = Wallet.createRandom();
    const fromEthers = await encryptKeystoreJson({ address: wallet.address, privateKey: wallet.privateKey }, "pw", { scrypt: { N: 1024 } });
    expect((await decryptKeystore(fromEthers, "pw")).address).toBe(wallet.address);
  });

  test("keystore errors have codes", async () => {
    const json = await encryptKeystore(privateKeyToAccount(generatePrivateKey()), "right", { scryptN: 1024 });
    expect(await caught(() => decryptKeystore(json, "wrong"))).toMatchObject({ code: "KEYSTORE_PASSWORD" });
    expect(await caught(() => decryptKeystore("{}", "x"))).toMatchObject({ code: "INVALID_KEYSTORE" });
    expect(await caught(() => encryptKeystore(privateKeyToAccount(generatePrivateKey()), ""))).toMatchObject({ code: "INVALID_PASSWORD" });
  });
});
