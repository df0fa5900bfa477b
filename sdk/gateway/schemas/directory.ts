// Names for people: agencies, purposes and data categories in both languages the web app speaks,
// and a signer's nonces for signing a relayed action in a browser that has no JSON-RPC of its own.
import Type, { type Static } from "typebox";
import { address, errors, routeSchema } from "./common.js";

const localizedProperties = { "zh-CN": Type.String(), en: Type.String() };
const localized = Type.Object(localizedProperties);
/** A registered agency (AgencyRegistry) also carries its contact, legal basis and, per declared purpose code, the scopes it may ask for. */
const agencyEntry = Type.Object({
  ...localizedProperties,
  contact: Type.Optional(Type.String()),
  legalBasis: Type.Optional(localized),
  purposes: Type.Optional(Type.Record(Type.String(), Type.String())),
});
export type DirectoryAgency = Static<typeof agencyEntry>;

export const directorySchema = routeSchema({
  tags: ["operations"],
  summary: "Names of agencies, purposes and data categories in Chinese and English, for people reading the log",
  description:
    "agencies: account address (lower case) → name, and for agencies registered on chain (AgencyRegistry) their contact, legal basis and declared purposes (purpose code → scopes as a decimal bitmask); purposes: purpose code (bytes32) → name and, where known, the purpose's plain id; categories: by scope bit.",
  response: {
    200: Type.Object({
      agencies: Type.Unsafe<Record<string, DirectoryAgency>>({ type: "object", additionalProperties: agencyEntry }),
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
  summary: "The signer's current nonces at ConsentRegistry and IdentityRegistry (and EnterpriseRegistry, CreditRegistry where deployed), for signing a relayed action",
  params: Type.Object({ signer: address }, { additionalProperties: false }),
  response: {
    200: Type.Object({
      signer: address,
      consentRegistry: Type.String(),
      identityRegistry: Type.String(),
      enterpriseRegistry: Type.Optional(Type.String()),
      creditRegistry: Type.Optional(Type.String()),
    }),
    ...errors,
  },
});
export type SignerNonces = Static<(typeof signerNoncesSchema)["response"][200]>;
