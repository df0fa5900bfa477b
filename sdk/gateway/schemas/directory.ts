// Names for people: agencies, purposes and data categories in both languages the web app speaks,
// and a signer's nonces for signing a relayed action in a browser that has no JSON-RPC of its own.
import Type, { type Static } from "typebox";
import { address, errors, routeSchema } from "./common.js";

const localizedProperties = { "zh-CN": Type.String(), en: Type.String() };
const localized = Type.Object(localizedProperties);

export const directorySchema = routeSchema({
  tags: ["operations"],
  summary: "Names of agencies, purposes and data categories in Chinese and English, for people reading the log",
  description:
    "agencies: account address (lower case) → name; purposes: purpose code (bytes32) → name and, where known, the purpose's plain id; categories: by scope bit.",
  response: {
    200: Type.Object({
      agencies: Type.Unsafe<Record<string, Static<typeof localized>>>({ type: "object", additionalProperties: localized }),
      purposes: Type.Unsafe<Record<string, Static<typeof localized> & { id?: string }>>({
        type: "object",
        additionalProperties: Type.Object({ ...localizedProperties, id: Type.Optional(Type.String()) }),
      }),
      categories: Type.Array(Type.Object({ ...localizedProperties, id: Type.String(), bit: Type.Integer() })),
    }),
  },
});
export type GatewayDirectory = Static<(typeof directorySchema)["response"][200]>;

export const signerNoncesSchema = routeSchema({
  tags: ["consent"],
  summary: "The signer's current nonces at ConsentRegistry and IdentityRegistry, for signing a relayed action",
  params: Type.Object({ signer: address }, { additionalProperties: false }),
  response: { 200: Type.Object({ signer: address, consentRegistry: Type.String(), identityRegistry: Type.String() }), ...errors },
});
export type SignerNonces = Static<(typeof signerNoncesSchema)["response"][200]>;
