import type { FastifyRequest } from "fastify";
import { ZeroHash } from "ethers";
import { createBaseClient, IMI_ROLES, type ImiBaseClient } from "@imi-ledger/sdk";
import { AGENCY_REQUEST_HEADER, AGENCY_SIGNATURE_HEADER, agencyRequestMessage, agencyRequestTypes, readAgencyRequestHeaders, type AgencyRequestMessage } from "@imi-ledger/sdk";
import { identityProofTypes } from "@imi-ledger/sdk";
import { GATEWAY_DOMAIN_NAME, chainDomain } from "@imi-ledger/sdk";
import { canonicalJson } from "@imi-ledger/sdk";
import { NodeError } from "../../NodeError.js";
import type { ResolvedGatewayOptions } from "../config.js";
import { GatewayError, UNAVAILABLE_CODES, badRequest, forbidden, unauthorized, unavailable } from "../errors.js";
import type { AccessReceipt, AccessRecordInput } from "./accessLog.js";
import { KeyedMutex } from "./KeyedMutex.js";
import { assertPartsReady } from "./readiness.js";
import { fastTypedDataHasher, keccak, keccakHex, nativeSigner, recoverSigner, toHex, type FastStructHasher } from "./fastTypedData.js";
import type { GatewayMetrics } from "./metrics.js";
import { SessionStore, type Session, type StaffRole } from "./sessions.js";
import { AgencyBook } from "./AgencyBook.js";


export type AgencyCall = {
  agency: string;
  /** EIP-712 hash of the agency request (signed or, with a session, the same message unsigned). */
  requestHash: string;
  nonce: string;
  issuedAt: number;
  /** Settles when the request's nonce is on disk; {@link GatewayContext.record} awaits it. */
  nonceDurable: Promise<void>;
};

export type AccessTerms = { citizen: string; scopes: bigint; purpose: string; grantId: string };

declare module "fastify" {
  interface FastifyRequest {
    rawBody?: string;
  }
}

const HEADER = {
  nonce: "x-imi-nonce",
  issuedAt: "x-imi-issued-at",
} as const;
const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

/**
 * What the nonce store remembers per request: 96 bits of keccak(agency ‖ nonce), 16 characters.
 * Nonces live for the whole timestamp window (about four minutes), so at thousands of requests a
 * second the full 0x strings would cost hundreds of MB; 96 bits keep accidental collisions out
 * of reach (birthday bound 2^48), and nobody can aim a collision at another agency's unseen nonce.
 */
function nonceKey(agency: string, nonce: string): string {
  return Buffer.from(keccak(Buffer.from(agency.slice(2) + nonce.slice(2), "hex")).subarray(0, 12)).toString("base64url");
}

/**
 * A signed-mode request's headers, read and checked once per request (the rate limiter asks before
 * the route does): the message as the SDK normalises it, its digest, and whether it is signed by its
 * agency for this gateway. "malformed" when the header cannot be read as an AgencyRequest.
 */
type SignedCheck = { m: AgencyRequestMessage; digest: Uint8Array; signer: string | undefined; forThisGateway: boolean } | "malformed";

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return typeof v === "string" ? v : undefined;
}

/** Everything the route plugins share: options, sessions, the fail-closed checks and the access recorder. */
export class GatewayContext {
  readonly sessions: SessionStore;
  readonly grantLocks = new KeyedMutex();
  readonly relay: ImiBaseClient;
  /** EIP-712 digests of the SDK's AgencyRequest and IdentityProof, computed on the fast path. */
  readonly agencyRequestDigest: FastStructHasher;
  readonly identityProofDigest: FastStructHasher;
  /** What agencies registered (AgencyRegistry); undefined for a deployment made before the registry existed. */
  readonly agencyBook: AgencyBook | undefined;
  private readonly signedChecks = new WeakMap<FastifyRequest, SignedCheck | null>();
  private readonly gatewayAccount: string;

  constructor(
    readonly options: ResolvedGatewayOptions,
    readonly metrics: GatewayMetrics,
  ) {
    this.sessions = new SessionStore(options.now);
    this.gatewayAccount = options.account.address.toLowerCase();
    const domain = chainDomain(GATEWAY_DOMAIN_NAME, options.chainId);
    this.agencyRequestDigest = fastTypedDataHasher(domain, agencyRequestTypes, "AgencyRequest");
    this.identityProofDigest = fastTypedDataHasher(domain, identityProofTypes, "IdentityProof");
    // A relayed write asks for its receipt as the index takes each block (which the index follows
    // by newHeads), not on a backing-off schedule: about once a block, and the index already holds
    // the block when the receipt is found.
    this.relay = createBaseClient(
      { rpc: options.rpc, deployment: options.deployment, account: nativeSigner(options.account), onBlock: (listener) => options.indexer.onIndexed(() => listener()) },
      options.deployment,
    );
    const registry = options.deployment.contracts.agencyRegistry;
    if (registry) {
      const book = new AgencyBook(options.rpc, registry, options.deployment.fromBlock ?? 0, undefined, options.history);
      this.agencyBook = book;
      // Kept at the index's block as it advances, so an access rarely waits for it.
      options.indexer.onIndexed((block) => void book.syncTo(block).catch(() => undefined));
    }
  }

  /** Wall-clock seconds: request timestamps, sessions, challenges. */
  nowSeconds(): number {
    return Math.floor(this.options.now() / 1000);
  }

  /**
   * The time rules are evaluated at, as the contracts would: chain time, which can run ahead of the
   * wall clock when blocks come faster than one a second (each block's timestamp must grow), and
   * the wall clock when the chain is idle and its last block is old.
   */
  ruleTime(): bigint {
    const s = this.options.indexer.status();
    return BigInt(Math.max(this.nowSeconds(), s.indexedTime, this.options.heads?.clearThrough?.(s.indexedBlock).time ?? 0));
  }

  /**
   * The newest block the gateway's view of consents, identities and roles is known to stand for:
   * the index's block, or past it over blocks whose headers prove they hold no log of a contract a
   * decision reads (the gateway's own access-log anchors; HeadWatcher.clearThrough). Without that
   * proof for every block in between, the index's block.
   */
  viewBlock(): number {
    const indexed = this.options.indexer.status().indexedBlock;
    return this.options.heads?.clearThrough?.(indexed).block ?? indexed;
  }

  /** The newest chain head the gateway has seen: by its head watcher or by the index itself. */
  knownHead(): number {
    return Math.max(this.options.indexer.status().headBlock, this.options.heads?.head ?? -1);
  }

  /**
   * Fails closed, synchronously, so that a caller that decides right after it decides from the
   * index it checked: the index must reflect the newest head the gateway has seen (not one block
   * less), and the chain must have been heard from within `maxHeadAgeMs`.
   */
  assertFresh(): void {
    assertPartsReady(this);
    const s = this.options.indexer.status();
    if (s.error === "INDEX_STORAGE" || s.error === "INDEX_REORG") throw unavailable("INDEX_UNAVAILABLE", "The index is unavailable.");
    const heardAt = Math.max(s.lastHeadAt, this.options.heads?.lastHeardAt ?? 0);
    if (s.error === "CHAIN_UNREACHABLE" || heardAt === 0 || Date.now() - heardAt > this.options.limits.maxHeadAgeMs)
      throw unavailable("CHAIN_UNAVAILABLE", "The chain has not been reached recently.");
    if (this.viewBlock() < this.knownHead()) throw unavailable("INDEX_BEHIND", "The index is behind a chain head the gateway has seen.");
  }

  /**
   * When the gateway has seen a head the index has not reached yet, waits for the index, at most
   * `limits.indexWaitMs` (and, when the chain was not heard from within `maxHeadAgeMs`, first asks
   * it for its head, at most as long again); undefined (no promise, no wait) when the index is at
   * the newest head.
   * Never rejects: the caller's {@link assertFresh} right after it refuses if the index is still
   * behind (or fell behind a newer head meanwhile).
   */
  catchUp(): Promise<void> | undefined {
    const { indexer, limits, heads } = this.options;
    if (limits.indexWaitMs === 0) return undefined;
    // Not heard from the chain for a while (a busy machine can starve the polls): ask once, within
    // the same bounded wait, before calling the chain unavailable.
    if (heads?.poll && Date.now() - Math.max(heads.lastHeardAt, indexer.status().lastHeadAt) > limits.maxHeadAgeMs)
      return this.waitAtMost(heads.poll(), limits.indexWaitMs).then(() => this.waitForIndex());
    return this.waitForIndex();
  }

  private waitForIndex(): Promise<void> | undefined {
    const { indexer, limits } = this.options;
    if (this.viewBlock() >= this.knownHead()) return undefined;
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        stop();
        resolve();
      };
      const timer = setTimeout(done, limits.indexWaitMs);
      const stop = indexer.onIndexed(() => {
        if (this.viewBlock() >= this.knownHead()) done();
      });
    });
  }

  /**
   * The categories of `scopes` that `agency` did not register for `purpose`, as of the block the index
   * decided from (0n: within its registration; always 0n for a deployment without the registry, whose
   * contracts do not bound agencies either). Rejects when the registry cannot be read: the caller refuses.
   */
  async registrationExcess(agency: string, purpose: string, scopes: bigint): Promise<bigint> {
    if (!this.agencyBook) return 0n;
    await this.agencyBook.syncTo(this.options.indexer.status().indexedBlock);
    return this.agencyBook.excess(agency, purpose, scopes);
  }

  hasRole(role: StaffRole, account: string): boolean {
    return this.options.indexer.hasRole(BigInt(IMI_ROLES[role]), account, this.ruleTime());
  }

  private waitAtMost(work: Promise<void>, ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      void work.finally(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** The bearer session, if any header carries one; throws for a bad or expired token. */
  session(request: FastifyRequest): Session | undefined {
    const auth = header(request, "authorization");
    if (auth === undefined) return undefined;
    const m = /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(auth);
    if (!m) throw unauthorized("INVALID_TOKEN", "The Authorization header must be 'Bearer <token>'.");
    const s = this.sessions.get(m[1]);
    if (!s) throw unauthorized("SESSION_EXPIRED", "The session is unknown or expired; log in again.");
    return s;
  }

  /** A staff session whose account still holds `role` on chain (checked per request against the index). */
  requireStaff(request: FastifyRequest, role: StaffRole): string {
    const s = this.session(request);
    if (!s) throw unauthorized("AUTH_REQUIRED", "Log in first (POST /v1/auth/login).");
    if (s.kind !== "staff") throw forbidden("WRONG_ROLE", `This route is for the ${role} role.`);
    if (!this.hasRole(role, s.account)) throw forbidden("ROLE_NOT_HELD", `The account does not hold the ${role} role.`);
    return s.account;
  }

  requireCitizen(request: FastifyRequest): Extract<Session, { kind: "citizen" }> {
    const s = this.session(request);
    if (!s) throw unauthorized("AUTH_REQUIRED", "Log in first (POST /v1/auth/citizen-login).");
    if (s.kind !== "citizen") throw forbidden("WRONG_ROLE", "This route is for citizens.");
    // The key must still control (or guard) the identity: a rotated or removed key loses access at once.
    const check = this.options.indexer.checkIdentityKey(s.citizen, s.account, 0n, this.ruleTime());
    if (!check || !(check.isController || check.isGuardian)) throw forbidden("NOT_CONTROLLER", "The key no longer acts for this identity.");
    return s;
  }

  /** Reads and checks the signed-mode headers once per request; null when the request has none. */
  signedRequest(request: FastifyRequest): SignedCheck | null {
    const cached = this.signedChecks.get(request);
    if (cached !== undefined) return cached;
    // Node lower-cases header names: without either signed-mode header this is a session request,
    // and the SDK's reader (which scans every header) is not needed.
    const h = request.headers;
    const signed = h[AGENCY_REQUEST_HEADER] === undefined && h[AGENCY_SIGNATURE_HEADER] === undefined ? null : readAgencyRequestHeaders(h);
    let out: SignedCheck | null = null;
    if (signed) {
      try {
        const m = agencyRequestMessage({ ...signed.message, chainId: this.options.chainId, body: undefined });
        if (typeof signed.message.bodyHash !== "string" || !BYTES32.test(signed.message.bodyHash)) throw new Error("bodyHash");
        m.bodyHash = signed.message.bodyHash.toLowerCase() as `0x${string}`;
        if (m.method !== signed.message.method) throw new Error("method");
        const digest = this.agencyRequestDigest(m);
        const recovered = recoverSigner(digest, signed.signature);
        out = { m, digest, signer: recovered && recovered === m.agency.toLowerCase() ? recovered : undefined, forThisGateway: m.gateway.toLowerCase() === this.gatewayAccount };
      } catch {
        out = "malformed";
      }
    }
    this.signedChecks.set(request, out);
    return out;
  }

  /**
   * What a request's rate limit counts against: the authenticated account, in both modes (a valid
   * session token; a signed request whose signature verifies, meant for this gateway, fresh and
   * with an unused nonce), so agencies behind one proxy do not share a budget. Anything else counts
   * against the client address: a forged or replayed signature cannot spend its agency's budget.
   */
  rateKey(request: FastifyRequest): string {
    const auth = request.headers.authorization;
    const token = typeof auth === "string" && auth.startsWith("Bearer ") ? auth.slice(7) : undefined;
    const session = token ? this.sessions.get(token) : undefined;
    if (session) return `account:${session.account}`;
    const signed = this.signedRequest(request);
    if (signed && signed !== "malformed" && signed.signer && signed.forThisGateway) {
      const issuedAt = Number(signed.m.issuedAt);
      const fresh = Math.abs(issuedAt - this.nowSeconds()) <= this.options.limits.maxSkewSeconds;
      if (fresh && !this.options.nonces.has(nonceKey(signed.signer, signed.m.nonce.toLowerCase()))) return `account:${signed.signer}`;
    }
    return `ip:${request.ip}`;
  }

  /**
   * Authenticates an agency access request: a session token or a per-request EIP-712 signature
   * (sdk/gateway/agencyRequest), then the timestamp window and a durable one-time nonce.
   */
  requireAgencyCall(request: FastifyRequest, terms: AccessTerms): AgencyCall {
    const method = request.method.toUpperCase();
    const path = request.url;
    const now = this.nowSeconds();
    const skew = this.options.limits.maxSkewSeconds;
    const bodyHash = keccakHex(request.rawBody ?? "");
    let agency: string;
    let nonce: string;
    let issuedAt: number;
    let digest: Uint8Array;
    const signed = this.signedRequest(request);
    if (signed) {
      // Signed mode (the SDK's gatewayRequest): the message in x-imi-request, its signature in x-imi-signature.
      // Same checks as the SDK's verifyAgencyRequest, on the fast digest and native recovery.
      if (signed === "malformed") throw badRequest("INVALID_SIGNED_REQUEST", "The signed request header is malformed.");
      const { m, signer } = signed;
      if (!signer) throw unauthorized("BAD_SIGNATURE", "The request signature does not verify for this agency.");
      // Nonces are remembered per gateway: a request meant for a sibling gateway is refused, not served again here.
      if (!signed.forThisGateway) throw unauthorized("WRONG_AUDIENCE", "The signed request is meant for another gateway.");
      if (m.method !== method || m.path !== path || m.bodyHash !== bodyHash) throw unauthorized("BAD_SIGNATURE", "The signed method, path or body differ from the request's.");
      issuedAt = Number(m.issuedAt);
      if (Math.abs(issuedAt - now) > skew) throw unauthorized("STALE_REQUEST", "issuedAt is too far from the gateway's clock.");
      if (m.citizen.toLowerCase() !== terms.citizen || BigInt(m.scopes) !== terms.scopes || m.purpose.toLowerCase() !== terms.purpose || m.grantId.toLowerCase() !== terms.grantId)
        throw badRequest("TERMS_MISMATCH", "The signed citizen, scopes, purpose or grant differ from the body's.");
      agency = signer;
      nonce = m.nonce.toLowerCase();
      digest = signed.digest;
    } else {
      const session = this.session(request);
      if (!session) throw unauthorized("AUTH_REQUIRED", "Send a session token or a signed request.");
      if (session.kind !== "staff") throw forbidden("WRONG_ROLE", "This route is for agencies.");
      const n = header(request, HEADER.nonce);
      const issuedAtRaw = header(request, HEADER.issuedAt);
      if (n === undefined || !BYTES32.test(n) || /^0x0{64}$/.test(n)) throw badRequest("INVALID_NONCE", `${HEADER.nonce} must be 32 random bytes as 0x hex.`);
      if (issuedAtRaw === undefined || !/^[0-9]{1,12}$/.test(issuedAtRaw)) throw badRequest("INVALID_TIMESTAMP", `${HEADER.issuedAt} must be unix seconds.`);
      issuedAt = Number(issuedAtRaw);
      if (Math.abs(issuedAt - now) > skew) throw unauthorized("STALE_REQUEST", "issuedAt is too far from the gateway's clock.");
      agency = session.account;
      nonce = n.toLowerCase();
      // The message the agency would have signed, so the logged request hash means the same in both modes.
      digest = this.agencyRequestDigest({ agency, gateway: this.gatewayAccount, citizen: terms.citizen, scopes: terms.scopes, purpose: terms.purpose, grantId: terms.grantId, method, path, bodyHash, nonce, issuedAt });
    }
    if (!this.hasRole("agency", agency)) throw forbidden("NOT_AN_AGENCY", "The caller does not hold the agency role.");
    // The replay check is decided here, in memory; the nonce's fsync overlaps the decision and the
    // vault read, and `record` waits for it before anything is answered.
    const reserved = this.options.nonces.reserve(nonceKey(agency, nonce), issuedAt + skew + 1);
    if (!reserved.fresh) throw new GatewayError("NONCE_REUSED", 409, "This nonce was used before.");
    return { agency, requestHash: toHex(digest), nonce, issuedAt, nonceDurable: reserved.durable };
  }

  /**
   * Appends an access record and waits until it is on disk, and until the request's nonce is too
   * (when given); a failure of either is a 503 and nothing leaves.
   */
  async record(input: Omit<AccessRecordInput, "time">, nonceDurable?: Promise<void>): Promise<AccessReceipt> {
    const append = this.options.accessLog.append({ ...input, time: this.options.now() });
    append.catch(() => undefined);
    let nonceFailure: { cause: unknown } | undefined;
    if (nonceDurable) {
      try {
        await nonceDurable;
      } catch (cause) {
        nonceFailure = { cause };
      }
    }
    let receipt: AccessReceipt;
    try {
      receipt = await append;
    } catch (cause) {
      // Nonces share the log's batches: when both fail, the log is what failed.
      throw unavailable("ACCESS_LOG_UNAVAILABLE", "The access could not be recorded.", cause);
    }
    if (nonceFailure) throw unavailable("NONCE_STORE_UNAVAILABLE", "The nonce store is unavailable.", nonceFailure.cause);
    this.metrics.accesses.inc({ kind: input.kind, decision: input.decision });
    return receipt;
  }

  /** keccak256 of the canonical JSON of a response payload: what the access record commits to. */
  responseHash(payload: unknown): string {
    return payload === undefined ? ZeroHash : keccakHex(canonicalJson(payload));
  }

  /** Maps errors from below to gateway errors: anything unavailable becomes a 503. */
  static translate(error: unknown): unknown {
    if (error instanceof GatewayError) return error;
    if (error instanceof NodeError && UNAVAILABLE_CODES[error.code]) return unavailable(UNAVAILABLE_CODES[error.code], "A backing service is unavailable.", error);
    return error;
  }
}
