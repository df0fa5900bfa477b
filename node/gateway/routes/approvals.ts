// One-door supervision (node/approvals): department officers record each step of a service
// application; the applicant reads the steps; an auditor reads every application with its nodes'
// timing, the ones past their limit flagged, and each step held against the access log.
import type { FastifyPluginAsync } from "fastify";
import { gatewayRoutes } from "@imi-ledger/sdk";
import { NodeError } from "../../NodeError.js";
import { timingOf, type Application, type ApprovalBook, type ApprovalStepKind, type Inspection } from "../../approvals/ApprovalBook.js";
import type { GatewayContext } from "../internal/GatewayContext.js";
import { GatewayError, unavailable } from "../errors.js";

/** An application as the routes return it: its steps and each node's timing as of `asOf`. */
export function applicationJson(app: Application, asOf: number) {
  return { id: app.id, applicant: app.applicant, service: app.service, state: app.state, nodes: timingOf(app, asOf), steps: app.steps };
}

const STATUS: Record<string, number> = {
  APPLICATION_NOT_FOUND: 404,
  APPLICATION_CLOSED: 409,
  INVALID_STEP: 409,
  WRONG_NODE: 409,
};

/** The book's refusals with their status; anything else is a fault (the book's store or the log). */
function refusal(error: unknown): unknown {
  if (error instanceof NodeError && !(error instanceof GatewayError) && /^(APPLICATION_|INVALID_|WRONG_NODE)/.test(error.code))
    return new GatewayError(error.code, STATUS[error.code] ?? 400, error.message);
  return error;
}

export const approvalRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  const book = (): ApprovalBook => {
    const b = ctx.options.approvals;
    if (!b) throw unavailable("APPROVALS_UNAVAILABLE", "This gateway keeps no approval records.");
    return b;
  };

  app.post<{ Body: { applicant: string; service: string; nodes: Array<{ name: string; limitSeconds: number }> } }>(
    gatewayRoutes.receiveApplication.url,
    { schema: gatewayRoutes.receiveApplication.schema },
    async (request) => {
      await ctx.catchUp();
      const officer = ctx.requireStaff(request, "department");
      const received = await book().receive({ officer, ...request.body }).catch((e: unknown) => Promise.reject(refusal(e)));
      request.log.info({ event: "approval_step", application: received.id, kind: "received", seq: received.steps[0].receipt?.seq }, "application received");
      return applicationJson(received, ctx.options.now());
    },
  );

  app.post<{ Params: { id: string }; Body: { kind: ApprovalStepKind; node?: string; note?: string; inspection?: Inspection } }>(
    gatewayRoutes.recordApprovalStep.url,
    { schema: gatewayRoutes.recordApprovalStep.schema },
    async (request) => {
      await ctx.catchUp();
      const officer = ctx.requireStaff(request, "department");
      const updated = await book().step({ id: request.params.id, officer, ...request.body }).catch((e: unknown) => Promise.reject(refusal(e)));
      request.log.info({ event: "approval_step", application: updated.id, kind: request.body.kind, seq: updated.steps.at(-1)?.receipt?.seq }, "approval step recorded");
      return applicationJson(updated, ctx.options.now());
    },
  );

  app.get(gatewayRoutes.citizenApprovals.url, { schema: gatewayRoutes.citizenApprovals.schema }, async (request) => {
    const { citizen } = ctx.requireCitizen(request);
    const now = ctx.options.now();
    return { citizen: citizen.toLowerCase(), applications: (await book().ofCitizen(citizen)).map((a) => applicationJson(a, now)) };
  });

  app.get<{ Querystring: { overdue?: "true" | "false"; at?: string; limit?: string } }>(
    gatewayRoutes.auditApprovals.url,
    { schema: gatewayRoutes.auditApprovals.schema },
    async (request) => {
      ctx.requireStaff(request, "auditor");
      const asOf = request.query.at === undefined ? ctx.options.now() : Number(request.query.at) * 1000;
      const limit = Math.min(1000, Math.max(1, Number(request.query.limit ?? 1000)));
      const b = book();
      const applications = [];
      for (const a of await b.all(limit)) {
        const json = applicationJson(a, asOf);
        const overdueNodes = json.nodes.filter((n) => n.overdue).map((n) => n.name);
        if (request.query.overdue === "true" && overdueNodes.length === 0) continue;
        const { ok, problems } = await b.verify(a);
        applications.push({ ...json, overdueNodes, verified: ok, problems });
      }
      return { asOf, applications };
    },
  );
};
