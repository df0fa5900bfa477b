/**
 * The stable code of any error, for errorText(): the gateway's own code first (the SDK's
 * GatewayError carries it as `gatewayCode`), then the SDK's or the device's `code`. Read by shape,
 * not by class, so the start screen does not load the SDK to show an error.
 */
export function codeOf(error: unknown): string {
  const e = error as { gatewayCode?: unknown; code?: unknown } | undefined;
  if (typeof e?.gatewayCode === "string") return e.gatewayCode;
  return typeof e?.code === "string" ? e.code : "INTERNAL";
}
