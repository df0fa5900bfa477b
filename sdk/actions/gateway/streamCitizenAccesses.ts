import { NetworkError } from "../../errors/errors.js";
import { openGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { AccessRecordJson } from "../../gateway/schemas/common.js";

export type StreamCitizenAccessesParameters = { token?: string; signal?: AbortSignal };
export type AccessStream = AsyncIterable<AccessRecordJson> & {
  /** Ends the stream; a loop over it finishes. */
  close(): void;
};
export type StreamCitizenAccessesReturnType = AccessStream;

/**
 * GET /v1/citizen/accesses/stream (citizen session): resolves once the gateway has accepted the
 * stream, then yields each access to the citizen's data the moment its record is durable.
 *
 * Read with fetch rather than EventSource: EventSource cannot send the Authorization header, and a
 * token in the URL would end up in proxy logs. The event-stream framing is parsed here (fields
 * `event`, `data`, `id`; comment lines ignored), which is all the gateway sends.
 */
export async function streamCitizenAccesses(client: GatewayBaseClient, p: StreamCitizenAccessesParameters = {}): Promise<StreamCitizenAccessesReturnType> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  if (p.signal?.aborted) abort();
  p.signal?.addEventListener("abort", abort, { once: true });
  const response = await openGateway(client, {
    method: "GET",
    path: "/v1/citizen/accesses/stream",
    auth: "bearer",
    token: p.token,
    accept: "text/event-stream",
    signal: controller.signal,
    what: "access stream",
  });
  if (!response.body) throw new NetworkError("The gateway's access stream has no body.");
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const close = () => {
    p.signal?.removeEventListener("abort", abort);
    controller.abort();
    reader.cancel().catch(() => undefined);
  };

  async function* records(): AsyncGenerator<AccessRecordJson> {
    let buffer = "";
    try {
      for (;;) {
        let chunk: ReadableStreamReadResult<string>;
        try {
          chunk = await reader.read();
        } catch (cause) {
          if (controller.signal.aborted) return;
          throw new NetworkError("The gateway's access stream broke off.", { cause });
        }
        if (chunk.done) return;
        buffer += chunk.value.replace(/\r\n?/g, "\n");
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = "message";
          const data: string[] = [];
          for (const line of block.split("\n")) {
            if (line.startsWith(":") || line.length === 0) continue;
            const colon = line.indexOf(":");
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
            if (field === "event") event = value;
            else if (field === "data") data.push(value);
          }
          if (event === "access" && data.length > 0) yield JSON.parse(data.join("\n")) as AccessRecordJson;
        }
      }
    } finally {
      close();
    }
  }
  const iterator = records();
  return { [Symbol.asyncIterator]: () => iterator, close };
}
