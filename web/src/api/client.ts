import { createGatewayClient } from "@imi-ledger/sdk";

/** The SDK's typed gateway client. The gateway is this page's own origin: it serves the app, and the CSP allows nothing else. */
export const gateway = createGatewayClient({ url: location.origin });
