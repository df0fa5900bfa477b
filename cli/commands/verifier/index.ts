import type { Command } from "commander";
import { action, group } from "../../internal/action.js";
import { withKeyOptions, withNodeOptions } from "../../internal/options.js";
import type { CheckCodeOptions, VerifierOptions } from "./check.js";

const when = (ms: number) => new Date(ms).toISOString();

export function registerVerifierCommands(program: Command): void {
  const verifier = group(program, "verifier", "verifier devices (a door, a counter, a hospital reception): check a citizen's one code; read no data");
  withKeyOptions(withNodeOptions(verifier.command("prepare").description("while online: cache the gateway's account so codes can be checked offline")), "verifier")
    .option("--state <file>", "the device's state file (default <data-dir>/verifier-state.json)")
    .action(
      action(async (out, options: VerifierOptions) =>
        out.result(await (await import("./check.js")).prepareVerifier(options), (r) => `ready to check codes offline as ${r.verifier}, trusting staples of ${r.gateways.join(", ")} (state in ${r.file})`),
      ),
    );
  withKeyOptions(withNodeOptions(verifier.command("check").description("check a one code: online at the gateway (logged), or --offline on this device")), "verifier")
    .argument("<code>", "the code's text, as the QR carries it")
    .option("--offline", "check here with the cached gateway account; keep the check for `imi verifier upload`")
    .option("--state <file>", "the device's state file (default <data-dir>/verifier-state.json)")
    .action(
      action(async (out, code: string, options: Omit<CheckCodeOptions, "code">) =>
        out.result(await (await import("./check.js")).checkCode({ ...options, code }), (r) => [
          `VERIFIED ${r.citizen} (level ${r.level ?? "?"})${r.offline ? ", offline" : ""} at ${when(r.time)}`,
          ...(r.enterprise ? [`  acts for enterprise ${r.enterprise} (scopes ${r.scopeNames?.join(",")})`] : []),
          ...(r.claim ? [`  ${r.claim.name}: ${r.claim.value}`] : []),
          r.offline ? `  ${r.pending} check(s) to upload (imi verifier upload)` : `  logged as record #${r.receipt?.seq}`,
        ]),
      ),
    );
  withKeyOptions(withNodeOptions(verifier.command("upload").description("send the checks made offline; each is logged at the time it happened")), "verifier")
    .option("--state <file>", "the device's state file (default <data-dir>/verifier-state.json)")
    .action(
      action(async (out, options: VerifierOptions) =>
        out.result(await (await import("./check.js")).uploadChecks(options), (r) =>
          r.uploaded === 0 ? "nothing to upload" : r.results.map((x) => `${x.verified ? "logged" : "REFUSED"} ${x.citizen ?? "-"} at ${when(x.time)} ${x.reason}${x.receipt ? ` (record #${x.receipt.seq})` : ""}`),
        ),
      ),
    );
}
