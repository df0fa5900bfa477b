/** A citizen session as the gateway's citizen login answers it; kept in memory only (session.ts). */
export type Session = { token: string; expiresAt: number; account: string; citizen: `0x${string}`; asGuardian: boolean; level?: number };

export { codeOf } from "./errorCode.js";
