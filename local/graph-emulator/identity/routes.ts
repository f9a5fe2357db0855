// The login host's routes: discovery, keys, authorize, token, and the error page links point to.
import type { Hono } from "hono";
import { aadError } from "./aadsts.ts";
import type { Runtime } from "../runtime.ts";
import { authorize } from "./authorize.ts";
import { instanceDiscovery, openidConfiguration } from "./discovery.ts";
import { jwks } from "./keys.ts";
import { resolveTenantPath } from "./sign-in.ts";
import { tokenEndpoint } from "./token-endpoint.ts";

export function identityRoutes(app: Hono, rt: Runtime): void {
  const unknownTenant = (origin: string, tenant: string) => {
    const e = aadError(90002, { tenant }, { now: rt.clock.now(), origin });
    return Response.json(e.body, { status: e.status });
  };
  app.get("/:tenant/v2.0/.well-known/openid-configuration", (c) => {
    const origin = new URL(c.req.url).origin;
    const path = resolveTenantPath(rt, c.req.param("tenant"));
    if (path.kind === "unknown") return unknownTenant(origin, c.req.param("tenant"));
    return c.json(openidConfiguration(origin, path));
  });
  app.get("/:tenant/discovery/v2.0/keys", (c) => {
    const origin = new URL(c.req.url).origin;
    const path = resolveTenantPath(rt, c.req.param("tenant"));
    if (path.kind === "unknown") return unknownTenant(origin, c.req.param("tenant"));
    return c.json(jwks(rt.key, `${origin}/${path.kind === "tenant" ? path.tenant.id : "{tenantid}"}/v2.0`));
  });
  app.get("/:tenant/discovery/instance", (c) => {
    const origin = new URL(c.req.url).origin;
    return c.json(instanceDiscovery(origin, c.req.param("tenant")));
  });
  app.get("/:tenant/oauth2/v2.0/authorize", (c) => authorize(rt, new URL(c.req.url), c.req.param("tenant")));
  app.post("/:tenant/oauth2/v2.0/token", (c) => tokenEndpoint(rt, c.req.raw, c.req.param("tenant")));
  app.get(
    "/error",
    (c) =>
      c.html(`<!DOCTYPE html><html><body><h1>AADSTS${Number(c.req.query("code")) || ""}</h1>
<p>This is the Microsoft identity platform emulator. The code is described in Microsoft's
"Microsoft Entra authentication and authorization error codes" reference.</p></body></html>`),
  );
}
