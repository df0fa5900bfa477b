// EIP-712 encoding checked against the specification's own example (the "Mail" test vector of
// EIP-712, assets/eip-712/Example.js, domain without httpOrigin), then the IMI builders against
// ethers and the contracts' typehash strings.
import { TypedDataEncoder, keccak256, toUtf8Bytes, verifyTypedData as ethersVerifyTypedData } from "ethers";
import { describe, expect, test } from "vitest";
import {
  addGuardianTypedData,
  cancelRecoveryTypedData,
  grantTypedData,
  hashDomain,
  hashStruct,
  hashTypedData,
  pauseConsentTypedData,
  privateKeyToAccount,
  recoverTypedDataSigner,
  removeGuardianTypedData,
  resumeConsentTypedData,
  revokeConsentTypedData,
  rotateKeyTypedData,
  toEip712Json,
  verifyTypedData,
  type Hex,
  type TypedDataDefinition,
} from "@imi-ledger/sdk";
import { caught } from "./fixture.js";

const mail: TypedDataDefinition<"Mail"> = {
  domain: { name: "Ether Mail", version: "1", chainId: 1, verifyingContract: "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC" },
  types: {
    Person: [
      { name: "name", type: "string" },
      { name: "wallet", type: "address" },
    ],
    Mail: [
      { name: "from", type: "Person" },
      { name: "to", type: "Person" },
      { name: "contents", type: "string" },
    ],
  },
  primaryType: "Mail",
  message: {
    from: { name: "Cow", wallet: "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826" },
    to: { name: "Bob", wallet: "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB" },
    contents: "Hello, Bob!",
  },
};

describe("EIP-712 specification test vector (Mail)", () => {
  const cow = privateKeyToAccount(keccak256(toUtf8Bytes("cow")) as Hex);

  test("domain separator, struct hash and digest", () => {
    expect(hashDomain(mail.domain)).toBe("0xf2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f");
    expect(hashStruct(mail)).toBe("0xc52c0ee5d84264471806290a3f2c4cecfc5490626bf912d01f240d7a274b371e");
    expect(hashTypedData(mail)).toBe("0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2");
  });

  test("the key keccak256('cow') signs it with the vector's r, s, v (RFC 6979, @noble/curves)", () => {
    expect(cow.address.toLowerCase()).toBe("0xcd2a3d9f938e13cd947ec05abc7fe734df8dd826");
    const signature = cow.signTypedData(mail);
    expect(signature).toBe(
      "0x4355c47d63924e8a72e509b65029052eb6c299d53a04e167c5775fd466751c9d" +
        "07299936d304c153f6443dfa05f40ff007d72911b6f72307f996231605b91562" +
        "1c",
    );
    expect(recoverTypedDataSigner(mail, signature)).toBe(cow.address);
    expect(verifyTypedData({ typedData: mail, signature, signer: cow.address })).toBe(true);
  });

  test("the wallet JSON carries EIP712Domain for eth_signTypedData_v4", () => {
    const json = JSON.parse(toEip712Json(mail));
    expect(json.types.EIP712Domain.map((f: { name: string }) => f.name)).toEqual(["name", "version", "chainId", "verifyingContract"]);
    expect(json.primaryType).toBe("Mail");
  });
});

describe("IMI builders", () => {
  const domain = { chainId: 31337, verifyingContract: "0x5FbDB2315678afecb367f032d93F642f64180aa3" as Hex };
  const citizen = `0x${"ab".repeat(32)}` as Hex;
  const other = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as Hex;
  const signed = { nonce: 3, deadline: 2_000_000_000 };
  const key = privateKeyToAccount(`0x${"11".repeat(32)}`);

  // The typed-data strings written in the contracts' NatSpec.
  const cases: Array<[string, TypedDataDefinition]> = [
    ["RotateKey(bytes32 citizen,address newController,uint256 nonce,uint256 deadline)", rotateKeyTypedData({ ...domain, ...signed, citizen, newController: other })],
    ["CancelRecovery(bytes32 citizen,uint256 nonce,uint256 deadline)", cancelRecoveryTypedData({ ...domain, ...signed, citizen })],
    [
      "AddGuardian(bytes32 citizen,address guardian,uint256 scopes,uint64 expiresAt,uint256 nonce,uint256 deadline)",
      addGuardianTypedData({ ...domain, ...signed, citizen, guardian: other, scopes: 6, expiresAt: 1_900_000_000 }),
    ],
    ["RemoveGuardian(bytes32 citizen,address guardian,uint256 nonce,uint256 deadline)", removeGuardianTypedData({ ...domain, ...signed, citizen, guardian: other })],
    [
      "Grant(bytes32 citizen,address agency,uint256 scopes,bytes32 purpose,uint64 validFrom,uint64 validUntil,uint32 maxUses,uint256 nonce,uint256 deadline)",
      grantTypedData({
        ...domain,
        ...signed,
        request: { citizen, agency: other, scopes: 2, purpose: `0x${"cd".repeat(32)}`, validFrom: 1, validUntil: 2, maxUses: 0 },
      }),
    ],
    ["Revoke(bytes32 consentId,uint256 nonce,uint256 deadline)", revokeConsentTypedData({ ...domain, ...signed, consentId: citizen })],
    ["Pause(bytes32 consentId,uint256 nonce,uint256 deadline)", pauseConsentTypedData({ ...domain, ...signed, consentId: citizen })],
    ["Resume(bytes32 consentId,uint256 nonce,uint256 deadline)", resumeConsentTypedData({ ...domain, ...signed, consentId: citizen })],
  ];

  test.each(cases)("%s: type string, digest and signature agree with ethers", (typeString, typedData) => {
    const types = Object.fromEntries(Object.entries(typedData.types).map(([k, v]) => [k, [...v]]));
    expect(TypedDataEncoder.from(types).encodeType(typedData.primaryType)).toBe(typeString);
    expect(hashTypedData(typedData)).toBe(TypedDataEncoder.hash(typedData.domain, types, typedData.message));
    const signature = key.signTypedData(typedData);
    expect(ethersVerifyTypedData(typedData.domain, types, typedData.message, signature)).toBe(key.address);
  });

  test("domain names and versions match the contracts", () => {
    expect(cases[0][1].domain.name).toBe("IMI IdentityRegistry");
    expect(cases[4][1].domain.name).toBe("IMI ConsentRegistry");
    expect(cases[4][1].domain.version).toBe("1");
  });

  test("bad input: named errors with stable codes", async () => {
    expect(await caught(() => rotateKeyTypedData({ ...domain, ...signed, citizen, newController: "0xdead" as Hex }))).toMatchObject({ code: "INVALID_ADDRESS" });
    expect(await caught(() => rotateKeyTypedData({ ...domain, ...signed, citizen: "0x12" as Hex, newController: other }))).toMatchObject({ code: "INVALID_HASH" });
    expect(await caught(() => rotateKeyTypedData({ ...domain, ...signed, chainId: 0, citizen, newController: other }))).toMatchObject({ code: "INVALID_NUMBER" });
    expect(await caught(() => rotateKeyTypedData({ ...domain, nonce: -1, deadline: 1, citizen, newController: other }))).toMatchObject({ code: "INVALID_NUMBER" });
    expect(
      await caught(() => addGuardianTypedData({ ...domain, ...signed, citizen, guardian: other, scopes: 1, expiresAt: 2n ** 64n })),
    ).toMatchObject({ code: "INVALID_NUMBER" });
    // A wrong-checksum address is refused rather than silently re-cased.
    expect(await caught(() => rotateKeyTypedData({ ...domain, ...signed, citizen, newController: "0x70997970c51812dc3A010C7d01b50e0d17dc79C8" }))).toMatchObject({
      code: "INVALID_ADDRESS",
    });
  });

  test("verification refuses high-s and malformed signatures", async () => {
    const typedData = cases[0][1];
    const signature = key.signTypedData(typedData);
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const s = BigInt(`0x${signature.slice(66, 130)}`);
    const v = signature.slice(130) === "1b" ? "1c" : "1b";
    const highS = `${signature.slice(0, 66)}${(n - s).toString(16).padStart(64, "0")}${v}` as Hex;
    expect(await caught(() => recoverTypedDataSigner(typedData, highS))).toMatchObject({ code: "INVALID_SIGNATURE" });
    expect(verifyTypedData({ typedData, signature: highS, signer: key.address })).toBe(false);
    expect(verifyTypedData({ typedData, signature: "0x1234", signer: key.address })).toBe(false);
    expect(verifyTypedData({ typedData, signature, signer: other })).toBe(false);
  });
});
