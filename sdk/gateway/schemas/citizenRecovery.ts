// A key recovery pending on the signed-in citizen's identity: the web app shows it first, with cancel.
import Type, { type Static } from "typebox";
import { address, bytes32, errors, routeSchema } from "./common.js";

export const citizenRecoverySchema = routeSchema({
  tags: ["citizen"],
  summary: "A key recovery pending on the citizen's identity, if any",
  security: [{ bearer: [] }],
  response: {
    200: Type.Object({
      citizen: bytes32,
      pending: Type.Boolean(),
      newController: Type.Optional(address),
      registrar: Type.Optional(address),
      executableAt: Type.Optional(Type.String({ description: "unix seconds: the recovery can be completed from then on unless cancelled" })),
    }),
    ...errors,
  },
});
export type CitizenRecovery = Static<(typeof citizenRecoverySchema)["response"][200]>;
