import {
  ONE_CODE_MAX_AGE_SECONDS,
  ONE_CODE_MAX_SKEW_SECONDS,
  OneCodeError,
  decodeOneCode,
  enterpriseScopeNames,
  oneCodeReplayKey,
  verifyOneCode,
  type Address,
  type Hex,
  type OneCodeVerdictJson,
} from "@imi-ledger/sdk";
import { CliError, EXIT } from "../../CliError.js";
import { connect, loadKey, type KeyOptions, type NodeOptions } from "../../internal/connect.js";
import { usage } from "../../internal/errors.js";
import { gatewayAccount, staffLogin, withClient } from "../../internal/gateway.js";
import { readDeviceState, stateFile, writeDeviceState, type DeviceState } from "./deviceState.js";

export type VerifierOptions = NodeOptions & KeyOptions & { state?: string };
export type CheckCodeOptions = VerifierOptions & { code: string; offline?: boolean };
export type CheckCodeResult = {
  verified: true;
  offline: boolean;
  reason: string;
  citizen: Hex;
  controller?: Address;
  level?: number;
  claim?: OneCodeVerdictJson["claim"];
  time: number;
  receipt?: OneCodeVerdictJson["receipt"];
  /** An enterprise's code: the enterprise the holder acts for, and the ENTERPRISE_SCOPES bits stapled. */
  enterprise?: Hex;
  scopes?: number;
  scopeNames?: string[];
  /** Offline: checks waiting to be uploaded (`imi verifier upload`). */
  pending?: number;
};

const refused = (reason: string, what: string) =>
  new CliError(reason, `refused: ${what}`, { exitCode: reason === "ONE_CODE_MALFORMED" || reason === "ONE_CODE_VERSION" || reason === "ONE_CODE_TOO_LARGE" ? EXIT.usage : EXIT.failure });

const WHY: Record<string, string> = {
  ONE_CODE_MALFORMED: "this is not a one code",
  ONE_CODE_VERSION: "a code of a version this device does not read",
  ONE_CODE_TOO_LARGE: "the code is too large",
  ONE_CODE_BAD_STAPLE: "the gateway's staple does not verify",
  ONE_CODE_UNTRUSTED_GATEWAY: "the staple is not from a gateway this device trusts",
  ONE_CODE_STAPLE_EXPIRED: "the staple has expired; the phone must fetch a new one",
  ONE_CODE_BAD_SIGNATURE: "the code is not signed by the identity's key",
  ONE_CODE_STALE: "the code is too old (or ahead of this device's clock)",
  ONE_CODE_WRONG_VERIFIER: "the code was made for another verifier",
  ONE_CODE_REPLAYED: "the code was shown before",
  ONE_CODE_NOT_CONTROLLER: "the key no longer controls the identity (rotated or recovered)",
  ONE_CODE_IDENTITY_INACTIVE: "the identity is deactivated",
  ONE_CODE_UNKNOWN_CITIZEN: "no such identity",
  ONE_CODE_CONTRACT_CHECK_UNAVAILABLE: "the code is signed by an account, which only an online check can ask",
  ONE_CODE_NOT_REPRESENTATIVE: "the holder no longer acts for the enterprise (removed, expired or out of scope)",
  ONE_CODE_ENTERPRISE_INACTIVE: "the enterprise is deregistered",
};
export const refusalText = (reason: string) => WHY[reason] ?? reason;

/** A verifier session at the node's gateway, for the key the chain knows the device by. */
async function session(options: VerifierOptions): Promise<{ gateway: string; token: string; verifier: Address; chainId: number }> {
  const node = await connect(options);
  const gateway = node.requireGateway();
  const key = await loadKey(options);
  return { gateway, token: await staffLogin(gateway, node.deployment.chainId, key), verifier: key.address, chainId: node.deployment.chainId };
}

export type PrepareResult = { file: string; verifier: Address; gateways: Address[]; chainId: number };

/** While online: caches the gateway's account and the chain id, so the device can check codes offline. */
export async function prepareVerifier(options: VerifierOptions): Promise<PrepareResult> {
  const { gateway, verifier, chainId } = await session(options);
  const account = await gatewayAccount(gateway);
  const file = stateFile(options);
  let state: DeviceState;
  try {
    state = await readDeviceState(file);
  } catch {
    state = { version: 1, chainId, gateways: [], verifier, cachedAt: 0, pending: [], seen: {} };
  }
  if (state.pending.length > 0 && state.verifier.toLowerCase() !== verifier.toLowerCase())
    throw usage("PENDING_UPLOADS", `${file} holds ${state.pending.length} checks of ${state.verifier}: upload them with that key first`);
  state = { ...state, chainId, verifier, gateways: [account], gatewayUrl: gateway, cachedAt: Math.floor(Date.now() / 1000) };
  await writeDeviceState(file, state, state.cachedAt);
  return { file, verifier, gateways: state.gateways, chainId };
}

/**
 * `imi verifier check <code>`: online, the gateway checks it against the chain now and logs it;
 * with --offline, this device checks the staple and signature itself, refuses a code it has seen,
 * and keeps the check for `imi verifier upload`. A refusal is an error with the ONE_CODE_* code.
 */
export async function checkCode(options: CheckCodeOptions): Promise<CheckCodeResult> {
  const text = options.code.trim();
  if (options.offline) {
    // Not a code at all is the person's input to fix, whatever the device's state.
    try {
      decodeOneCode(text);
    } catch (error) {
      if (error instanceof OneCodeError) throw refused(error.code, refusalText(error.code));
      throw error;
    }
    const file = stateFile(options);
    const state = await readDeviceState(file);
    const now = Math.floor(Date.now() / 1000);
    const verdict = await verifyOneCode({ code: text, chainId: state.chainId, gateways: state.gateways, verifier: state.verifier, now });
    if (!verdict.valid) throw refused(verdict.reason, refusalText(verdict.reason));
    const key = oneCodeReplayKey(verdict.code);
    if (state.seen[key] !== undefined) throw refused("ONE_CODE_REPLAYED", refusalText("ONE_CODE_REPLAYED"));
    state.seen[key] = verdict.issuedAt + ONE_CODE_MAX_AGE_SECONDS + ONE_CODE_MAX_SKEW_SECONDS;
    state.pending.push({ code: text, verifiedAt: now });
    await writeDeviceState(file, state, now);
    return {
      verified: true,
      offline: true,
      reason: "ONE_CODE_OFFLINE_VERIFIED",
      citizen: verdict.citizen,
      controller: verdict.controller,
      level: verdict.level,
      ...(verdict.enterprise ? { enterprise: verdict.enterprise, scopes: verdict.scopes, scopeNames: enterpriseScopeNames(BigInt(verdict.scopes ?? 0)) } : {}),
      ...(verdict.claim ? { claim: verdict.claim } : {}),
      time: now * 1000,
      pending: state.pending.length,
    };
  }
  const { gateway, token } = await session(options);
  const verdict = await withClient(gateway, (client) => client.checkOneCode({ code: text, token }));
  if (!verdict.verified) {
    const logged = verdict.receipt ? `; logged as record #${verdict.receipt.seq}` : "";
    throw new CliError(verdict.reason, `refused: ${refusalText(verdict.reason)}${logged}`, { exitCode: EXIT.failure });
  }
  return { verified: true, offline: false, reason: verdict.reason, citizen: verdict.citizen!, controller: verdict.controller, level: verdict.level, ...(verdict.enterprise ? { enterprise: verdict.enterprise as Hex, scopes: verdict.scopes, scopeNames: enterpriseScopeNames(BigInt(verdict.scopes ?? 0)) } : {}), ...(verdict.claim ? { claim: verdict.claim } : {}), time: verdict.time, receipt: verdict.receipt };
}

export type UploadResult = { uploaded: number; results: OneCodeVerdictJson[]; pending: number };

/** Sends the checks made offline; the gateway logs each at the time it happened. Kept until the gateway answers. */
export async function uploadChecks(options: VerifierOptions): Promise<UploadResult> {
  const file = stateFile(options);
  const state = await readDeviceState(file);
  if (state.pending.length === 0) return { uploaded: 0, results: [], pending: 0 };
  const { gateway, token, verifier } = await session(options);
  if (verifier.toLowerCase() !== state.verifier.toLowerCase()) throw usage("WRONG_KEY", `these checks were made by ${state.verifier}: upload them with that key`);
  const results: OneCodeVerdictJson[] = [];
  while (state.pending.length > 0) {
    const batch = state.pending.slice(0, 200);
    const answer = await withClient(gateway, (client) => client.uploadOneCodeVerifications({ verifications: batch, token }));
    results.push(...answer.results);
    state.pending = state.pending.slice(batch.length);
    await writeDeviceState(file, state, Math.floor(Date.now() / 1000));
  }
  return { uploaded: results.length, results, pending: 0 };
}
