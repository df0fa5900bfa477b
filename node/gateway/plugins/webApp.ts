// The web app at `/`: the Vite build in web/dist, with a strict Content-Security-Policy. Paths
// that are not files, not under /v1 and not under /docs get index.html, so a person can reload or
// share any screen's address (the app routes in the browser). No CORS: the app and the API share
// one origin, so browsers on other origins get no answer they may read.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyPluginAsync, FastifyReply } from "fastify";
import fastifyStatic from "@fastify/static";

/** Where `npm run build --workspace web` writes the app. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL("../../../web/dist/", import.meta.url));

/**
 * Only this origin's scripts, styles, images and connections; no inline script or style, no
 * plugins, no framing, no <base> tricks. The app is built to need nothing more.
 */
export const WEB_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": WEB_CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "permissions-policy": "camera=(self), microphone=(), geolocation=()",
};

/** Paths the app never owns: the API, the OpenAPI UI and anything that looks like a file. */
const NOT_APP = /^\/(v1|docs)(\/|$)|^\/(healthz|readyz|metrics)$|\.[a-z0-9]{1,8}$/i;

export type WebAppOptions = { root?: string | false };

export const webAppPlugin: FastifyPluginAsync<WebAppOptions> = async (app, options) => {
  const root = options.root === undefined ? DEFAULT_WEB_ROOT : options.root;
  if (root === false) return;
  if (!existsSync(`${root}/index.html`)) {
    app.log.warn({ event: "web-app-missing", root }, "web app not built: run `npm run build --workspace web` (npm start does)");
    return;
  }
  // @fastify/static 10 hands the reply to setHeaders.
  const setHeaders = (reply: FastifyReply, path: string) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) void reply.header(name, value);
    // Vite names built assets by content hash: they never change, so cache them for good.
    void reply.header("cache-control", /[\\/]assets[\\/]/.test(path) ? "public, max-age=31536000, immutable" : "no-cache");
  };
  // Hashed bundles under /assets/ are looked up per request (a rebuild needs no restart); the few
  // files at the top (index.html, favicon.svg) are listed once.
  await app.register(fastifyStatic, { root: join(root, "assets"), prefix: "/assets/", wildcard: true, index: false, cacheControl: false, setHeaders });
  const topFiles = new Set(readdirSync(root).filter((name) => name !== "index.html" && !statSync(join(root, name)).isDirectory()));
  const sendApp = (reply: FastifyReply) => reply.type("text/html; charset=utf-8").sendFile("index.html", root);
  const schema = { hide: true } as const;
  app.get("/", { schema }, (_request, reply) => sendApp(reply));
  app.get("/*", { schema }, (request, reply) => {
    const path = request.url.split("?")[0];
    const top = path.slice(1);
    if (topFiles.has(top)) return reply.sendFile(top, root);
    if (NOT_APP.test(path)) return reply.callNotFound();
    return sendApp(reply);
  });
};
