import { Option, type Command } from "commander";
import { DEFAULT_DATA_DIR } from "../../../node/runtime/config.js";
import { action, group } from "../../internal/action.js";
import { withKeyOptions, withNodeOptions } from "../../internal/options.js";
import { toJson } from "../../internal/output.js";
import { table } from "../../internal/output.js";
import type { CreateKeysOptions } from "../keys/create.js";
import type { ExportKeyOptions } from "../keys/export.js";
import type { AccessHistoryOptions } from "./history.js";
import type { PresentCredentialOptions } from "./present.js";
import type { ProveIdentityOptions } from "./prove.js";
import type { CitizenCodeOptions } from "./code.js";

export function registerCitizenCommands(program: Command): void {
  const keys = group(program, "keys", "keys: a citizen's own keystore, or staff keys in the node's key ring");
  keys
    .command("create")
    .description("create a key: --out <file> for your own keystore (password: IMI_KEYSTORE_PASSWORD or a prompt), --name <name> for the node's key ring")
    .option("--out <file>", "keystore file to write (0600)")
    .option("--name <name>", "name in the node's key ring (use it later with --key <name>)")
    .addOption(new Option("--data-dir <dir>", "data directory of the node (for --name)").env("IMI_DATA_DIR").default(DEFAULT_DATA_DIR))
    .option("--force", "overwrite an existing --out file")
    .action(
      action(async (out, options: CreateKeysOptions) =>
        out.result(await (await import("../keys/create.js")).createKeys(options), (r) => (r.keyRing ? `new key ${r.address} in the node's key ring (use --key ${options.name})` : [`new key ${r.address} in ${r.file}`, "  give the registrar this address; keep the file and its password safe"])),
      ),
    );
  keys
    .command("list")
    .description("names and addresses of the keys in the node's key ring")
    .addOption(new Option("--data-dir <dir>", "data directory of the node").env("IMI_DATA_DIR").default(DEFAULT_DATA_DIR))
    .action(action(async (out, options: { dataDir: string }) => out.result(await (await import("../keys/create.js")).listKeys(options), (r) => table(["NAME", "ADDRESS"], r.keys.map((k) => [k.name, k.address])))));

  keys
    .command("export")
    .description("hand a key of the node's key ring to a program (an agency service, an SDK script): warns and asks first")
    .argument("<name>", "the key's name (`imi keys list`)")
    .option("--out <file>", "write an encrypted Web3 keystore (password: IMI_KEYSTORE_PASSWORD or a prompt) instead of printing 0x hex")
    .option("-y, --yes", "do not ask (scripts); without a terminal the command refuses unless given")
    .option("--force", "overwrite an existing --out file")
    .addOption(new Option("--data-dir <dir>", "data directory of the node").env("IMI_DATA_DIR").default(DEFAULT_DATA_DIR))
    .action(
      action(async (out, name: string, options: Omit<ExportKeyOptions, "name">) =>
        out.result(await (await import("../keys/export.js")).exportKey({ ...options, name }, (line) => out.note(line)), (r) => (r.file ? `key ${r.name} (${r.address}) written to ${r.file}, encrypted` : r.privateKey!)),
      ),
    );

  const citizen = group(program, "citizen", "citizens: access history, identity proofs, credential presentations");
  withKeyOptions(withNodeOptions(citizen.command("history").description("who accessed your data, when, why, with what answer, and whether it is anchored")), "citizen")
    .option("--citizen <id>", "the identity (a guardian acting for a minor)")
    .option("--limit <n>", "at most this many records", "100")
    .option("--after <seq>", "only records after this sequence number")
    .option("--verify", "check each anchored record's inclusion proof against the chain")
    .action(
      action(async (out, options: AccessHistoryOptions) =>
        out.result(await (await import("./history.js")).accessHistory({ ...options, verbose: out.verbose }), (r) =>
          r.records.length === 0
            ? `no accesses to ${r.citizen} yet`
            : table(
                ["SEQ", "TIME", "AGENCY", "PURPOSE", "KIND", "CATEGORIES", "DECISION", "PROOF", "REASON"],
                r.records.map((x) => [String(x.seq), new Date(x.time).toISOString(), x.agencyName ?? x.agency, x.purposeName ?? x.purpose, x.kind, x.categories.join(",") || "-", x.decision, x.verified === undefined ? x.proof : x.verified ? "verified" : "PROOF INVALID", x.reasonText || "-"]),
              ),
        ),
      ),
    );
  withKeyOptions(withNodeOptions(citizen.command("prove").description("answer a verifier's challenge: prove you control your identity")), "citizen")
    .requiredOption("--challenge <hex>", "the verifier's challenge")
    .option("--audience <name>", "the verifier's name, exactly as it gave it (default: this node's gateway)")
    .option("--citizen <id>", "the identity (a guardian acting for a minor)")
    .option("--out <file>", "also write the proof to a file")
    .option("--enterprise <code|id>", "prove instead that you act for this enterprise (its representative)")
    .option("--scopes <names>", "with --enterprise: scopes to prove beside identity, e.g. consent,credit")
    .action(action(async (out, options: ProveIdentityOptions) => out.result(await (await import("./prove.js")).proveIdentity(options), (r) => (r.file ? `proof written to ${r.file}` : toJson(r.proof)))));
  withKeyOptions(withNodeOptions(citizen.command("code").description("your one code (一人一码): prove who you are at a door or counter; good for a minute")), "citizen")
    .option("--verifier <account>", "only this verifier device may accept it (default: any)")
    .option("--credential <hash>", "also disclose that this credential of yours is valid (e.g. the senior card)")
    .option("--staple-seconds <n>", "how long the gateway's staple lasts (30 to 900; default 300)")
    .option("--citizen <id>", "the identity (default: the one your key controls)")
    .option("--enterprise <code|id>", "the enterprise's one code (一企一码), shown by its representative")
    .option("--scopes <names>", "with --enterprise: scopes to show beside identity, e.g. consent")
    .action(action(async (out, options: CitizenCodeOptions) => out.result(await (await import("./code.js")).citizenCode(options), (r) => r.code)));
  citizen
    .command("present")
    .description("show only some claims of a credential (selective disclosure)")
    .argument("<credential>", "the credential file")
    .requiredOption("--disclose <claims>", "claims to show, e.g. age_over_65")
    .option("--out <file>", "write the presentation to a file")
    .action(
      action(async (out, credential: string, options: PresentCredentialOptions) =>
        out.result(await (await import("./present.js")).presentCredentialFile({ ...options, credential }), (r) => (r.file ? `presentation of ${r.disclosed.join(", ")} written to ${r.file}` : toJson(r.presentation))),
      ),
    );
}
