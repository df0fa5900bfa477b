import { randomBytes } from "node:crypto";

export type StaffRole = "agency" | "registrar" | "issuer" | "auditor" | "verifier" | "department" | "counter";

export type Session =
  | { kind: "staff"; account: string; expiresAt: number }
  | { kind: "citizen"; account: string; citizen: string; asGuardian: boolean; expiresAt: number };

export type ChallengeUse = { use: "login" } | { use: "identity"; agency: string };

/**
 * Short-lived bearer sessions and one-shot challenges, in memory: a restart logs everyone out and
 * voids open challenges, which fails safe. Tokens are 256-bit random, so the map lookup is the check.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly challenges = new Map<string, ChallengeUse & { expiresAt: number }>();
  private sweeps = 0;

  constructor(private readonly now: () => number) {}

  open(session: Session): string {
    const token = randomBytes(32).toString("base64url");
    this.sessions.set(token, session);
    if (++this.sweeps % 1024 === 0) this.sweep();
    return token;
  }

  get(token: string): Session | undefined {
    const s = this.sessions.get(token);
    if (!s) return undefined;
    if (s.expiresAt * 1000 <= this.now()) {
      this.sessions.delete(token);
      return undefined;
    }
    return s;
  }

  issueChallenge(use: ChallengeUse, ttlSeconds: number): { challenge: string; expiresAt: number } {
    const challenge = `0x${randomBytes(32).toString("hex")}`;
    const expiresAt = Math.floor(this.now() / 1000) + ttlSeconds;
    this.challenges.set(challenge, { ...use, expiresAt });
    if (++this.sweeps % 1024 === 0) this.sweep();
    return { challenge, expiresAt };
  }

  /** Consumes a challenge; undefined if unknown, used or expired. */
  takeChallenge(challenge: string): (ChallengeUse & { expiresAt: number }) | undefined {
    const c = this.challenges.get(challenge.toLowerCase());
    if (!c) return undefined;
    this.challenges.delete(challenge.toLowerCase());
    return c.expiresAt * 1000 > this.now() ? c : undefined;
  }

  private sweep(): void {
    const t = this.now();
    for (const [k, s] of this.sessions) if (s.expiresAt * 1000 <= t) this.sessions.delete(k);
    for (const [k, c] of this.challenges) if (c.expiresAt * 1000 <= t) this.challenges.delete(k);
  }
}
