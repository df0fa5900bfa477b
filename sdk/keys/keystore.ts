import { decryptKeystoreJson, encryptKeystoreJson, isKeystoreJson } from "ethers";
import { ImiError } from "../errors/ImiError.js";
import { InvalidInputError } from "../errors/errors.js";
import type { Hex } from "../types.js";
import { privateKeyToAccount, type LocalAccount } from "./privateKeyToAccount.js";

export type EncryptKeystoreOptions = {
  /** scrypt cost (power of two). Default 131072 (the Web3 Secret Storage default); lower only for tests. */
  scryptN?: number;
};

/**
 * Encrypts a key as a Web3 Secret Storage v3 keystore (scrypt + AES-128-CTR), the JSON format
 * geth, MetaMask imports and most wallets read.
 */
export async function encryptKeystore(
  account: LocalAccount,
  password: string,
  options: EncryptKeystoreOptions = {},
): Promise<string> {
  if (typeof password !== "string" || password.length === 0)
    throw new InvalidInputError("INVALID_PASSWORD", "password", "The keystore password must be a non-empty string.");
  return encryptKeystoreJson({ address: account.address, privateKey: account.exportPrivateKey() }, password, {
    scrypt: { N: options.scryptN ?? 131072 },
  });
}

/** Decrypts a Web3 Secret Storage v3 keystore. Wrong password → code KEYSTORE_PASSWORD. */
export async function decryptKeystore(json: string, password: string): Promise<LocalAccount> {
  if (!isKeystoreJson(json))
    throw new InvalidInputError("INVALID_KEYSTORE", "json", "Not a Web3 Secret Storage v3 keystore.");
  try {
    const decrypted = await decryptKeystoreJson(json, password);
    return privateKeyToAccount(decrypted.privateKey as Hex);
  } catch (cause) {
    if (cause instanceof ImiError) throw cause;
    throw new InvalidInputError("KEYSTORE_PASSWORD", "password", "Wrong keystore password (or a corrupted keystore).", { cause });
  }
}
