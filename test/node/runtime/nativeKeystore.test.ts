// The node reads its keystores with node:crypto's scrypt (nativeKeystore.ts) instead of ethers'
// JavaScript one, which was a sixth of a restart's CPU. Held equal to the SDK's decryptKeystore
// on keystores the SDK wrote, refused the same way on a wrong password or a touched keystore.
import { describe, expect, it } from "vitest";
import { decryptKeystore, encryptKeystore, generatePrivateKey, privateKeyToAccount } from "@imi-ledger/sdk";
import { decryptNodeKeystore } from "../../../node/runtime/nativeKeystore.js";
import { NodeError } from "../../../node/NodeError.js";

describe("node keystores decrypted natively", () => {
  it("reads the same key as the SDK from a keystore the SDK wrote, and refuses a wrong password or a changed ciphertext", async () => {
    const key = generatePrivateKey();
    const json = await encryptKeystore(privateKeyToAccount(key), "correct horse battery", { scryptN: 1 << 12 });
    expect(await decryptNodeKeystore(json, "correct horse battery")).toBe(key.toLowerCase());
    expect((await decryptKeystore(json, "correct horse battery")).exportPrivateKey()).toBe(key.toLowerCase());
    const wrong = await decryptNodeKeystore(json, "wrong password here").catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(NodeError);
    expect((wrong as NodeError).code).toBe("KEYS_WRONG_PASSWORD");
    const parsed = JSON.parse(json);
    const c = parsed.Crypto ?? parsed.crypto;
    c.ciphertext = (c.ciphertext[0] === "0" ? "1" : "0") + c.ciphertext.slice(1);
    expect(((await decryptNodeKeystore(JSON.stringify(parsed), "correct horse battery").catch((e: unknown) => e)) as NodeError).code).toBe("KEYS_WRONG_PASSWORD");
  });
});
