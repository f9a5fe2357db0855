// createEmulator(): the whole emulator as a request handler, for main.ts and for tests that run it
// in-process. One origin serves the login host, Graph (/v1.0) and the control API (/_emulator).
import { Hono } from "hono";
import { DEFAULT_SEED, DEFAULT_SIZE } from "./defaults.ts";
import { controlRoutes } from "./control/routes.ts";
import { handleGraph } from "./graph/http.ts";
import { authenticate } from "./graph/principal.ts";
import { GraphError, notImplemented } from "./graph/errors.ts";
import { innerErrorDate } from "./core/time-format.ts";
import { createSigningKey } from "./identity/keys.ts";
import { identityRoutes } from "./identity/routes.ts";
import type { EmulatorPlugin } from "./plugin.ts";
import { DEFAULT_PLUGINS } from "./plugins.ts";
import { Runtime } from "./runtime.ts";
import type { Size, World } from "./world/types.ts";

export interface EmulatorOptions {
  seed?: number;
  size?: Size;
  plugins?: readonly EmulatorPlugin[];
  /** Per-plugin world options, as POST /_emulator/reset takes them. */
  options?: Record<string, unknown>;
}

export interface Emulator {
  handler(request: Request): Promise<Response>;
  readonly runtime: Runtime;
  readonly world: World;
}

export async function createEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const plugins = opts.plugins ?? DEFAULT_PLUGINS;
  const rt = new Runtime(await createSigningKey(), plugins, {
    seed: opts.seed ?? DEFAULT_SEED,
    size: opts.size ?? DEFAULT_SIZE,
    options: opts.options ?? {},
  });
  const app = new Hono();
  app.route("/_emulator", controlRoutes(rt, plugins));
  app.all("/v1.0", (c) => handleGraph(rt, c.req.raw));
  app.all("/v1.0/*", (c) => handleGraph(rt, c.req.raw));
  app.get("/oidc/userinfo", (c) => userinfo(rt, c.req.raw));
  app.notFound((c) => notServed(rt, new URL(c.req.url)));
  for (const p of plugins) p.routes?.(app, rt);
  identityRoutes(app, rt);
  return {
    handler: async (request) => await app.fetch(request),
    runtime: rt,
    get world() {
      return rt.world;
    },
  };
}

/** The OIDC userinfo endpoint the discovery document names (Graph hosts it on its own host). */
function userinfo(rt: Runtime, request: Request): Response {
  try {
    const p = authenticate(rt, request.headers.get("Authorization"), new URL(request.url).origin);
    if (p.kind !== "delegated") {
      throw new GraphError(401, "InvalidAuthenticationToken", "Access token validation failure.");
    }
    const u = p.user.graph;
    return Response.json({
      sub: p.user.id,
      name: u.displayName,
      family_name: u.surname,
      given_name: u.givenName,
      email: u.mail,
    });
  } catch (e) {
    if (!(e instanceof GraphError)) throw e;
    const id = crypto.randomUUID();
    return Response.json(e.body(id, id, innerErrorDate(rt.clock.now())), {
      status: e.status,
      headers: e.options.headers,
    });
  }
}

/** Paths outside v1.0, the login host and the control API: say plainly the emulator lacks them. */
function notServed(rt: Runtime, url: URL): Response {
  const id = crypto.randomUUID();
  const e = notImplemented();
  return Response.json(e.body(id, id, innerErrorDate(rt.clock.now())), {
    status: e.status,
    headers: {
      "x-emulator-note": `the emulator serves /v1.0, the login endpoints and /_emulator, not ${url.pathname}`,
    },
  });
}
