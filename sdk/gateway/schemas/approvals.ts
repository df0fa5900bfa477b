// One-door supervision: a service application and each step of its approval, recorded by department
// officers (role department), logged in the access log (kind "approval") and anchored with it. The
// applicant reads their applications' steps; an auditor reads them all, each held against the log,
// with the nodes that ran past their time limit flagged.
import Type, { type Static } from "typebox";
import { bytes32, errors, routeSchema, stringEnum } from "./common.js";

export const APPROVAL_STEP_KINDS = ["received", "approved", "returned", "inspected", "completed"] as const;
export type ApprovalStepKindJson = (typeof APPROVAL_STEP_KINDS)[number];

const slug = Type.String({ pattern: "^[a-z][a-z0-9-]{0,63}$" });
const sha256 = Type.String({ pattern: "^0x[0-9a-fA-F]{64}$", description: "SHA-256 of a photograph" });

export const inspectionSchema = Type.Object(
  {
    inspectedAt: Type.Integer({ minimum: 1, description: "unix ms of the visit" }),
    place: Type.String({ minLength: 1, maxLength: 200 }),
    photos: Type.Array(sha256, { maxItems: 50 }),
  },
  { additionalProperties: false },
);

export const approvalStep = Type.Object({
  n: Type.Integer(),
  kind: stringEnum(APPROVAL_STEP_KINDS),
  node: Type.Optional(Type.String()),
  officer: Type.String(),
  at: Type.Integer({ description: "unix ms the step was recorded" }),
  note: Type.Optional(Type.String()),
  inspection: Type.Optional(inspectionSchema),
  detailsHash: bytes32,
  receipt: Type.Optional(Type.Object({ seq: Type.Integer(), recordHash: bytes32 })),
});
export type ApprovalStepJson = Static<typeof approvalStep>;

export const nodeTiming = Type.Object({
  name: Type.String(),
  limitSeconds: Type.Integer(),
  openedAt: Type.Optional(Type.Integer()),
  closedAt: Type.Optional(Type.Integer()),
  deadline: Type.Optional(Type.Integer()),
  status: stringEnum(["waiting", "open", "approved", "returned"] as const),
  overdue: Type.Boolean({ description: "open past its deadline, or closed after it" }),
});

export const application = Type.Object({
  id: bytes32,
  applicant: bytes32,
  service: Type.String(),
  state: stringEnum(["in-progress", "returned", "completed"] as const),
  nodes: Type.Array(nodeTiming),
  steps: Type.Array(approvalStep),
});
export type ApplicationJson = Static<typeof application>;

export const receiveApplicationSchema = routeSchema({
  tags: ["department"],
  summary: "Receive a service application: its approval nodes and their time limits; the first node opens (logged)",
  security: [{ bearer: [] }],
  body: Type.Object(
    {
      applicant: bytes32,
      service: slug,
      nodes: Type.Array(Type.Object({ name: slug, limitSeconds: Type.Integer({ minimum: 1, maximum: 366 * 24 * 3600 }) }, { additionalProperties: false }), { minItems: 1, maxItems: 20 }),
    },
    { additionalProperties: false },
  ),
  response: { 200: application, ...errors },
});

export const recordApprovalStepSchema = routeSchema({
  tags: ["department"],
  summary: "Record a step: the open node approved or returned, an on-site inspection, a resubmission received, or completion (logged)",
  security: [{ bearer: [] }],
  params: Type.Object({ id: bytes32 }, { additionalProperties: false }),
  body: Type.Object(
    {
      kind: stringEnum(APPROVAL_STEP_KINDS),
      node: Type.Optional(slug),
      note: Type.Optional(Type.String({ maxLength: 500 })),
      inspection: Type.Optional(inspectionSchema),
    },
    { additionalProperties: false },
  ),
  response: { 200: application, ...errors },
});

export const citizenApprovalsSchema = routeSchema({
  tags: ["citizen"],
  summary: "The signed-in citizen's applications and every step of their approval",
  security: [{ bearer: [] }],
  response: { 200: Type.Object({ citizen: bytes32, applications: Type.Array(application) }), ...errors },
});
export type CitizenApprovals = Static<(typeof citizenApprovalsSchema)["response"][200]>;

export const auditApprovalsSchema = routeSchema({
  tags: ["auditor"],
  summary: "Applications with each node's timing, the nodes past their limit flagged, each step held against the access log",
  security: [{ bearer: [] }],
  querystring: Type.Object(
    {
      overdue: Type.Optional(stringEnum(["true", "false"] as const, { description: "true: only applications with a node past its limit" })),
      at: Type.Optional(Type.String({ pattern: "^[0-9]{1,12}$", description: "judge the limits as of this unix second (default now)" })),
      limit: Type.Optional(Type.String({ pattern: "^[0-9]{1,4}$" })),
    },
    { additionalProperties: false },
  ),
  response: {
    200: Type.Object({
      asOf: Type.Integer({ description: "unix ms the limits were judged at" }),
      applications: Type.Array(
        Type.Object({
          ...application.properties,
          overdueNodes: Type.Array(Type.String()),
          verified: Type.Boolean({ description: "every step's log record exists, matches and chains to the one before" }),
          problems: Type.Array(Type.String()),
        }),
      ),
    }),
    ...errors,
  },
});
export type AuditApprovals = Static<(typeof auditApprovalsSchema)["response"][200]>;
