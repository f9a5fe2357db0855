// The one /beta path the emulator serves: a user's per-user MFA state, which has no v1.0 form.
// It runs through the same Graph pipeline (authentication, permissions, faults, throttling,
// counters) with a route table of its own; every other /beta path stays a 501.
import type { Hono } from "hono";
import { dispatch, VERSION_PREFIX } from "../graph/dispatch.ts";
import { toResponse } from "../graph/http.ts";
import { normalizePath, RouteTable } from "../graph/router.ts";
import type { Runtime } from "../runtime.ts";
import { getAuthenticationRequirements } from "./endpoints/authentication.ts";

const BETA = "/beta";

export function betaRoutes(app: Hono, rt: Runtime): void {
  const table = new RouteTable();
  table.add(getAuthenticationRequirements);
  // The live runtime seen through a different route table.
  const beta = Object.create(rt, { routes: { value: table } }) as Runtime;
  app.get(`${BETA}/*`, async (c) => {
    const url = new URL(c.req.url);
    const path = url.pathname.slice(BETA.length);
    if (table.match("GET", normalizePath(path)).kind !== "found") return c.notFound();
    // The pipeline reads paths under the version prefix; the handler writes /beta links itself.
    url.pathname = `${VERSION_PREFIX}${path}`;
    const request = c.req.raw;
    const r = await dispatch(beta, {
      method: "GET",
      url,
      headers: request.headers,
      body: undefined,
      authorization: request.headers.get("Authorization"),
    }, false);
    return toResponse(r, rt);
  });
}
