// The embedded chain runs EIP-7951 (P256VERIFY at 0x100) on top of Cancun, so passkey accounts
// verify WebAuthn signatures natively; Hardhat's network (no precompile) covers the Solidity
// fallback in test/contracts/PasskeyAccount.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AbiCoder, Interface, keccak256, toUtf8Bytes, type Wallet } from "ethers";
import { p256 } from "@noble/curves/nist.js";
import { encodeWebAuthnSignature, passkeyAccountAddress, passkeyChallenge, type Hex } from "@imi-ledger/sdk";
import { deployArtifact } from "../../helpers/artifacts.js";
import { softPasskey } from "../../helpers/softPasskey.js";
import { startTestChain, type TestChain } from "./helpers.js";

const P256VERIFY = "0x0000000000000000000000000000000000000100";
let t: TestChain;
let deployer: Wallet;

beforeAll(async () => {
  t = await startTestChain({ accounts: 2, fund: true });
  deployer = t.wallets[0];
});
afterAll(async () => t.cleanup());

describe("P-256 precompile (EIP-7951)", () => {
  it("answers 1 for a valid signature and nothing for a bad one, at 0x100", async () => {
    const secret = p256.utils.randomSecretKey();
    const point = p256.Point.fromBytes(p256.getPublicKey(secret, false)).toAffine();
    const digest = keccak256(toUtf8Bytes("I am me"));
    const sig = p256.Signature.fromBytes(p256.sign(Buffer.from(digest.slice(2), "hex"), secret, { prehash: false }));
    const input = (h: string) => AbiCoder.defaultAbiCoder().encode(["bytes32", "uint256", "uint256", "uint256", "uint256"], [h, sig.r, sig.s, point.x, point.y]);
    expect(BigInt(await t.provider.call({ to: P256VERIFY, data: input(digest) }))).toBe(1n);
    expect(await t.provider.call({ to: P256VERIFY, data: input(keccak256(toUtf8Bytes("someone else"))) })).toBe("0x");
  });

  it("a passkey account on the embedded chain verifies through the precompile, for far less gas than without it", async () => {
    const factory = await deployArtifact("PasskeyAccountFactory", deployer);
    const key = softPasskey();
    await (await factory.getFunction("createAccount")(key.publicKey.x, key.publicKey.y)).wait();
    const account = passkeyAccountAddress({ factory: (await factory.getAddress()) as Hex, publicKey: key.publicKey });
    const iface = new Interface(["function isValidSignature(bytes32,bytes) view returns (bytes4)"]);
    const digest = keccak256(toUtf8Bytes("grant")) as Hex;
    const data = iface.encodeFunctionData("isValidSignature", [digest, encodeWebAuthnSignature(await key.get(passkeyChallenge(digest)))]);
    expect((await t.provider.call({ to: account, data })).slice(0, 10)).toBe("0x1626ba7e");
    // The Solidity fallback costs hundreds of thousands of gas; the precompile path stays well under 100k.
    expect(await t.provider.estimateGas({ to: account, data })).toBeLessThan(100_000n);
  });
});
