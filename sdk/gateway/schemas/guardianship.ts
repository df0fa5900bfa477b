// Guardianship as the signed-in key sees it: who guards this identity, and whom this key guards.
import Type, { type Static } from "typebox";
import { address, bearer, bytes32, errors, routeSchema, unixSeconds } from "./common.js";

const scopes = Type.String({ description: "categories the guardian acts over (bitmask, decimal)" });

export const citizenGuardianshipSchema = routeSchema({
  tags: ["citizen"],
  summary: "The active guardians of the signed-in identity, and the identities the signed-in key guards",
  security: bearer,
  response: {
    200: Type.Object({
      citizen: bytes32,
      account: address,
      asGuardian: Type.Boolean(),
      guardians: Type.Array(Type.Object({ guardian: address, scopes, expiresAt: unixSeconds })),
      wards: Type.Array(Type.Object({ citizen: bytes32, scopes, expiresAt: unixSeconds })),
    }),
    ...errors,
  },
});
export type CitizenGuardianship = Static<(typeof citizenGuardianshipSchema)["response"][200]>;
