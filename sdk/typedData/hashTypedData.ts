import { TypedDataEncoder, concat, keccak256 } from "ethers";
import type { Address, Hex } from "../types.js";

export type TypedDataField = { name: string; type: string };

export type TypedDataDomain = {
  name: string;
  version: string;
  chainId: number;
  verifyingContract?: Address;
};

/**
 * An EIP-712 message exactly as a wallet shows and signs it. `types` leaves out `EIP712Domain`
 * (use {@link toEip712Json} for `eth_signTypedData_v4`).
 */
export type TypedDataDefinition<TPrimary extends string = string, TMessage = Record<string, unknown>> = {
  domain: TypedDataDomain;
  types: Record<string, readonly TypedDataField[]>;
  primaryType: TPrimary;
  message: TMessage;
};

function mutableTypes(types: Record<string, readonly TypedDataField[]>): Record<string, TypedDataField[]> {
  return Object.fromEntries(Object.entries(types).map(([k, v]) => [k, [...v]]));
}

/** The EIP-712 struct hash of the message (`hashStruct(message)`). */
export function hashStruct(typedData: TypedDataDefinition): Hex {
  return TypedDataEncoder.from(mutableTypes(typedData.types)).hashStruct(typedData.primaryType, typedData.message) as Hex;
}

/** The domain separator (`hashStruct(eip712Domain)`). */
export function hashDomain(domain: TypedDataDomain): Hex {
  return TypedDataEncoder.hashDomain(domain) as Hex;
}

/** The digest a wallet signs: keccak256("\x19\x01" ‖ domainSeparator ‖ hashStruct(message)). */
export function hashTypedData(typedData: TypedDataDefinition): Hex {
  return keccak256(concat(["0x1901", hashDomain(typedData.domain), hashStruct(typedData)])) as Hex;
}

/** The JSON payload `eth_signTypedData_v4` expects (with `EIP712Domain`, numbers as decimal strings). */
export function toEip712Json(typedData: TypedDataDefinition): string {
  const domainType: TypedDataField[] = [
    { name: "name", type: "string" },
    { name: "version", type: "string" },
    { name: "chainId", type: "uint256" },
  ];
  if (typedData.domain.verifyingContract) domainType.push({ name: "verifyingContract", type: "address" });
  return JSON.stringify(
    { types: { EIP712Domain: domainType, ...typedData.types }, domain: typedData.domain, primaryType: typedData.primaryType, message: typedData.message },
    (_k, v) => (typeof v === "bigint" ? v.toString() : v),
  );
}
