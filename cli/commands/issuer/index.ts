import type { Command } from "commander";
import { action, group } from "../../internal/action.js";
import { withKeyOptions, withNodeOptions, type NodeOptions } from "../../internal/options.js";
import { short, table } from "../../internal/output.js";
import type { AnchorOptions } from "./anchor.js";
import type { IssueCredentialOptions } from "./issue.js";
import type { RegisterSchemaOptions, TrustIssuerOptions } from "./schema.js";
import type { ChangeStatusOptions, StatusChange } from "./status.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerIssuerCommands(program: Command): void {
  const issuer = group(program, "issuer", "departments that issue certificates: schemas, issue, anchor, revoke, suspend, reinstate");
  const schema = issuer.command("schema").description("credential schemas (registered by the governor)");

  withKeyOptions(withNodeOptions(schema.command("register").description("register a schema and trust its issuers (governor key)")), "governor")
    .requiredOption("--name <name>", "e.g. senior-card")
    .requiredOption("--version <version>", "e.g. 1")
    .option("--document <file>", "the schema document (its hash is the schema id); default a small JSON naming it")
    .option("--trust <issuer>", "an issuer trusted for this schema (repeatable)", collect)
    .action(
      action(async (out, options: RegisterSchemaOptions) =>
        out.result(await (await import("./schema.js")).registerSchema(options), (r) => [`schema ${r.name} v${r.version} registered: ${r.schemaId}`, ...r.trusted.map((a) => `  trusted issuer ${a}`)]),
      ),
    );
  withKeyOptions(withNodeOptions(schema.command("trust").description("trust (or --revoke trust in) an issuer for a schema (governor key)")), "governor")
    .argument("<schema>", "schema id")
    .argument("<issuer>", "issuer address")
    .option("--revoke", "stop trusting")
    .action(
      action(async (out, schemaId: string, issuerAddress: string, options: TrustIssuerOptions) =>
        out.result(await (await import("./schema.js")).trustIssuer({ ...options, schema: schemaId, issuer: issuerAddress }), (r) => `${r.issuer} is ${r.trusted ? "now trusted" : "no longer trusted"} for ${r.schemaId}`),
      ),
    );
  withNodeOptions(schema.command("list").description("list registered schemas"))
    .option("--issuer <address>", "also say whether this issuer is trusted for each")
    .action(
      action(async (out, options: NodeOptions & { issuer?: string }) =>
        out.result(await (await import("./schema.js")).listSchemas(options), (r) =>
          r.schemas.length === 0
            ? "no schemas registered"
            : table(
                ["SCHEMA ID", "NAME", "VERSION", "STATE", ...(options.issuer ? ["TRUSTED"] : [])],
                r.schemas.map((s) => [s.schemaId, s.name, s.version, s.deprecated ? "deprecated" : "active", ...(options.issuer ? [s.issuerTrusted ? "yes" : "no"] : [])]),
              ),
        ),
      ),
    );

  withKeyOptions(withNodeOptions(issuer.command("issue").description("write and sign a credential for a holder (off chain; anchor it next)")), "issuer")
    .requiredOption("--schema <id>", "schema id")
    .requiredOption("--subject <citizen>", "the holder's identity id")
    .requiredOption("--claims <json>", 'claims, e.g. {"age_over_65":true,"card":"S-1"}')
    .option("--valid-until <date>", "expiry (ISO date); default none")
    .requiredOption("--out <file>", "where to write the credential (created 0600)")
    .option("--force", "overwrite --out")
    .action(
      action(async (out, options: IssueCredentialOptions) =>
        out.result(await (await import("./issue.js")).issueCredentialFile(options), (r) => [`credential ${r.credentialHash} written to ${r.file}`, `  claims: ${r.claims.join(", ")}; anchor it with \`imi issuer anchor ${r.file}\``]),
      ),
    );

  withKeyOptions(withNodeOptions(issuer.command("anchor").description("anchor credential files on chain, one by one or --batch as one Merkle root")), "issuer")
    .argument("<files...>", "credential files from `imi issuer issue`")
    .option("--batch", "one root for all (each file gets its inclusion proof)")
    .option("--no-progress", "no progress bar")
    .action(
      action(async (out, files: string[], options: AnchorOptions) =>
        out.result(await (await import("./anchor.js")).anchorCredentials({ ...options, files }), (r) =>
          r.batch
            ? [`anchored ${r.batch.count} credentials as batch ${r.batch.root}`, "  each file now carries its inclusion proof"]
            : [`anchored ${r.anchored.length} credential${r.anchored.length === 1 ? "" : "s"}`, ...r.anchored.map((a) => `  ${short(a.credentialHash)}  ${a.file}`)],
        ),
      ),
    );

  const verbs: Array<[StatusChange, string]> = [
    ["revoke", "revoke a credential for good"],
    ["suspend", "suspend a credential (reinstate can undo it)"],
    ["reinstate", "reinstate a suspended credential"],
  ];
  for (const [verb, description] of verbs) {
    withKeyOptions(withNodeOptions(issuer.command(verb).description(description)), "issuer")
      .argument("<credential>", "credential hash, or the credential file (needed for batched credentials)")
      .option("--reason <code>", "reason code (0-65535) from the issuer's policy", "0")
      .action(
        action(async (out, credential: string, options: ChangeStatusOptions) =>
          out.result(await (await import("./status.js")).changeCredentialStatus(verb, { ...options, credential }), (r) => `${r.credentialHash}: ${r.status}`),
        ),
      );
  }
}
