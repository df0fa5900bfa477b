import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { GatewayDirectory } from "../../gateway/schemas/directory.js";

export type GetDirectoryReturnType = GatewayDirectory;

/** GET /v1/directory: names of agencies, purposes and data categories in zh-CN and en, for people reading the log. */
export async function getDirectory(client: GatewayBaseClient): Promise<GetDirectoryReturnType> {
  return (await callGateway<GatewayDirectory>(client, { method: "GET", path: "/v1/directory", what: "directory" })).body;
}
