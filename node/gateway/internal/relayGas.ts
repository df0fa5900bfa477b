// The gas limit the gateway relays each consent action with, instead of an estimate per request.
//
// Measured gas (test/node/gateway/relayGas.test.ts holds every case below its limit with the 30 %
// room an estimate gets): a grant 215,000–267,000 by the citizen's key, a guardian or an
// enterprise's representative (the first grant for a citizen, agency and purpose costs the most),
// about 282,000 signed by a passkey with the P-256 precompile (bench:gas); a change of status
// 64,000–79,000. An estimate runs the call three times or more on the node
// (node/chain/internal/calls.ts); with a fixed limit the SDK runs it once (eth_call at that limit)
// and estimates only when that run fails, so a refusal is still decided by the estimate and
// answered with its named error before a nonce is used, and an action that needs more (a passkey
// verified without the precompile, about 520,000 for a grant) is sent with its estimate.
//
// Unused gas is not charged (and the embedded chain's gas price is zero). Blocks are filled by gas
// used plus the next transaction's limit up to half the block gas limit (500,000,000 by default),
// at most 500 transactions: 500 grants at this limit fit, so the limit does not shorten blocks.

/** Gas limit for `grantBySig`. */
export const GRANT_RELAY_GAS = 400_000n;
/** Gas limit for `revokeBySig`, `pauseBySig`, `resumeBySig` and `confirmBySig`. */
export const CONSENT_CHANGE_RELAY_GAS = 200_000n;
