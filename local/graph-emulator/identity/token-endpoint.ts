// POST /{tenant}/oauth2/v2.0/token (notes §1.3-1.8): authorization_code (+PKCE), refresh_token
// (rotating), client_credentials; client secret in the body or HTTP Basic; errors from aadsts.ts.
import type { Runtime } from "../runtime.ts";
import { findApp, union } from "../world/apps.ts";
import type { AppRegistration, Tenant, User } from "../world/types.ts";
import { aadError } from "./aadsts.ts";
import { base64url, randomToken } from "./keys.ts";
import { OIDC_SCOPES, parseScopes } from "./permissions.ts";
import { knobApplies, resolveTenantPath, type TenantPath } from "./sign-in.ts";
import { type RefreshTokenRecord, takeKnob } from "./state.ts";
import { clientInfo, mintAccessToken, mintIdToken } from "./tokens.ts";

const DAY = 86_400_000;

/** A token-endpoint failure: an AADSTS code and its description arguments. */
class TokenError extends Error {
  /** Seconds for a Retry-After header (injected outages). */
  retryAfter: number | null = null;

  constructor(readonly code: number, readonly args: Record<string, string> = {}, readonly error?: string) {
    super(`AADSTS${code}`);
  }
}

interface TokenRequest {
  rt: Runtime;
  form: URLSearchParams;
  origin: string;
  path: TenantPath;
  app: AppRegistration;
  grantType: string;
}

export async function tokenEndpoint(rt: Runtime, request: Request, tenantSegment: string): Promise<Response> {
  const origin = new URL(request.url).origin;
  const correlationId = request.headers.get("client-request-id");
  let grantType = "";
  try {
    const form = await readForm(request);
    const path = resolveTenantPath(rt, tenantSegment);
    if (path.kind === "unknown") throw new TokenError(90002, { tenant: tenantSegment });
    grantType = form.get("grant_type") ?? "";
    if (!grantType) throw new TokenError(900144, { parameter: "grant_type" });
    if (!["authorization_code", "refresh_token", "client_credentials"].includes(grantType)) {
      throw new TokenError(70003, { grantType });
    }
    const basic = basicCredentials(request.headers.get("Authorization"));
    const clientId = basic?.clientId ?? form.get("client_id");
    if (!clientId) throw new TokenError(900144, { parameter: "client_id" });
    const app = findApp(rt.world.apps, clientId);
    const tenantName = path.kind === "tenant" ? path.tenant.id : path.name;
    if (!app || (app.homeTenantId && path.kind === "tenant" && app.homeTenantId !== path.tenant.id)) {
      throw new TokenError(700016, { clientId, tenant: tenantName });
    }
    const req: TokenRequest = { rt, form, origin, path, app, grantType };
    const body = grantType === "authorization_code"
      ? await codeGrant(req, basic?.secret ?? form.get("client_secret"))
      : grantType === "refresh_token"
      ? await refreshGrant(req, basic?.secret ?? form.get("client_secret"))
      : await clientCredentialsGrant(req, basic?.secret ?? form.get("client_secret"));
    rt.counters.recordToken(grantType);
    return json(200, body);
  } catch (e) {
    if (!(e instanceof TokenError)) throw e;
    rt.counters.recordIdentityError(e.code);
    const err = aadError(e.code, e.args, { now: rt.clock.now(), origin, correlationId }, { error: e.error });
    return json(err.status, err.body, e.retryAfter === null ? {} : { "Retry-After": String(e.retryAfter) });
  }
}

async function readForm(request: Request): Promise<URLSearchParams> {
  const type = request.headers.get("Content-Type") ?? "";
  return type.includes("application/x-www-form-urlencoded")
    ? new URLSearchParams(await request.text())
    : new URLSearchParams();
}

function basicCredentials(header: string | null): { clientId: string; secret: string } | null {
  const m = /^Basic\s+(.+)$/i.exec(header ?? "");
  if (!m) return null;
  const decoded = atob(m[1]);
  const i = decoded.indexOf(":");
  return i < 0
    ? null
    : { clientId: decodeURIComponent(decoded.slice(0, i)), secret: decodeURIComponent(decoded.slice(i + 1)) };
}

/** Fault switches from the control API fire here, with the same body as the real failure. */
function injectFault(req: TokenRequest, tenant: Tenant | null, user: User | null): void {
  const fault = takeKnob(
    req.rt.identity.tokenFaults,
    (k) => (!k.grantType || k.grantType === req.grantType) && knobApplies(k, tenant, req.app.clientId, user),
  );
  if (fault !== undefined) {
    const e = new TokenError(fault.code, {
      clientId: req.app.clientId,
      appName: req.app.displayName,
      tenant: tenant?.id ?? "",
      issued: dotnetDate(req.rt.clock.now() - 90 * DAY),
      validFrom: dotnetDate(req.rt.clock.now()),
      got: req.form.get("redirect_uri") ?? "",
      expected: req.app.redirectUris[0] ?? "",
      scope: req.form.get("scope") ?? "",
      parameter: "",
      grantType: req.grantType,
      resource: "",
    });
    e.retryAfter = fault.retryAfter;
    throw e;
  }
}

function authenticateClient(req: TokenRequest, secret: string | null): void {
  const { app, rt } = req;
  if (app.publicClient) {
    if (secret) throw new TokenError(700025);
    return;
  }
  if (!secret) throw new TokenError(7000218);
  const match = app.secrets.find((s) => s.value === secret);
  if (!match) throw new TokenError(7000215, { clientId: app.clientId });
  if (match.endDateTime <= rt.clock.now()) throw new TokenError(7000222, { clientId: app.clientId });
}

/** The code or refresh token being redeemed, after fault switches, client authentication and the
 * checks every redemption shares. */
function redeemed<R extends { tenantId: string; userId: string; clientId: string }>(
  req: TokenRequest,
  param: string,
  records: Map<string, R>,
  secret: string | null,
): { record: R; tenant: Tenant; user: User } {
  const value = req.form.get(param);
  const record = value ? records.get(value) : undefined;
  const tenant = record ? req.rt.world.tenants.find((t) => t.id === record.tenantId) ?? null : null;
  const user = record && tenant ? tenant.usersById.get(record.userId) ?? null : null;
  injectFault(req, tenant, user);
  authenticateClient(req, secret);
  if (!value) throw new TokenError(900144, { parameter: param });
  if (!record || !tenant || !user || record.clientId !== req.app.clientId) throw new TokenError(9002313);
  if (req.path.kind === "tenant" && req.path.tenant.id !== record.tenantId) throw new TokenError(70000);
  return { record, tenant, user };
}

async function codeGrant(req: TokenRequest, secret: string | null): Promise<Record<string, unknown>> {
  const { rt, form } = req;
  const { record, tenant, user } = redeemed(req, "code", rt.identity.codes, secret);
  if (record.redeemed) throw new TokenError(54005);
  if (rt.clock.now() - record.issuedAt > rt.identity.settings.codeLifetimeSeconds * 1000) {
    throw new TokenError(70008);
  }
  const redirectUri = form.get("redirect_uri");
  if (!redirectUri) throw new TokenError(900144, { parameter: "redirect_uri" });
  if (redirectUri !== record.redirectUri) {
    throw new TokenError(500112, { got: redirectUri, expected: record.redirectUri });
  }
  if (record.challenge !== null) {
    const verifier = form.get("code_verifier");
    if (!verifier) throw new TokenError(900144, { parameter: "code_verifier" });
    const derived = record.challengeMethod === "S256"
      ? base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))))
      : verifier;
    if (derived !== record.challenge) throw new TokenError(501481);
  }
  record.redeemed = true;
  return await delegatedTokens(req, tenant, user, record.scope, record.issuedAt, record.nonce);
}

async function refreshGrant(req: TokenRequest, secret: string | null): Promise<Record<string, unknown>> {
  const { rt } = req;
  const { record, tenant, user } = redeemed(req, "refresh_token", rt.identity.refreshTokens, secret);
  const now = rt.clock.now();
  if (record.rotated && rt.identity.settings.invalidateRotatedRefreshTokens) throw new TokenError(70000);
  if (now - record.issuedAt > rt.identity.settings.refreshTokenInactivityDays * DAY) {
    throw new TokenError(700082, { issued: dotnetDate(record.issuedAt) });
  }
  if (user.tokensValidFrom > record.grantIssuedAt) {
    throw new TokenError(50173, {
      issued: dotnetDate(record.grantIssuedAt),
      validFrom: dotnetDate(user.tokensValidFrom),
    });
  }
  if (!user.graph.accountEnabled) throw new TokenError(50057, {}, "invalid_grant");
  record.rotated = true;
  return await delegatedTokens(req, tenant, user, record.scope, record.grantIssuedAt, null);
}

/** Access token (+ refresh token with offline_access, + id_token with openid) for a user. */
async function delegatedTokens(
  req: TokenRequest,
  tenant: Tenant,
  user: User,
  grantedScope: string,
  grantIssuedAt: number,
  nonce: string | null,
): Promise<Record<string, unknown>> {
  const { rt, form, app } = req;
  const consent = tenant.consents.get(app.clientId);
  const consented = consent ? union(consent.adminScopes, consent.userScopes.get(user.id) ?? []) : [];
  const graphScopes = consented.filter((s) => !(OIDC_SCOPES as readonly string[]).includes(s.toLowerCase()))
    .sort(byName);
  const asked = parseScopes(form.get("scope") ?? "");
  const notConsented = asked.graph.filter((s) =>
    !graphScopes.some((g) => g.toLowerCase() === s.toLowerCase())
  );
  if (!consent || graphScopes.length === 0 || notConsented.length) {
    throw new TokenError(65001, { clientId: app.clientId, appName: app.displayName });
  }
  const original = parseScopes(grantedScope);
  const oidc = new Set([...original.oidc, ...asked.oidc]);
  // Entra echoes OIDC scopes it honours but never offline_access, even when it issues a refresh token.
  const scope = [...graphScopes, ...["openid", "profile", "email"].filter((s) => oidc.has(s))];
  const access = await mintAccessToken(rt, { tenant, app, user, scopes: scope, roles: [] });
  const body: Record<string, unknown> = {
    token_type: "Bearer",
    scope: scope.join(" "),
    expires_in: access.expiresIn,
    ext_expires_in: access.expiresIn,
    access_token: access.token,
  };
  if (oidc.has("offline_access")) {
    const refresh = randomToken("1.AU4A", 160);
    const record: RefreshTokenRecord = {
      tenantId: tenant.id,
      clientId: app.clientId,
      userId: user.id,
      scope: grantedScope,
      grantIssuedAt,
      issuedAt: rt.clock.now(),
      rotated: false,
    };
    rt.identity.refreshTokens.set(refresh, record);
    body.refresh_token = refresh;
  }
  if (oidc.has("openid")) {
    body.id_token = await mintIdToken(rt, { origin: req.origin, tenant, app, user, oidc, nonce });
  }
  if (form.get("client_info") === "1") body.client_info = clientInfo(user, tenant);
  return body;
}

async function clientCredentialsGrant(
  req: TokenRequest,
  secret: string | null,
): Promise<Record<string, unknown>> {
  const { rt, form, app, path } = req;
  const tenant = path.kind === "tenant" ? path.tenant : null;
  injectFault(req, tenant, null);
  authenticateClient(req, secret);
  if (!tenant) throw new TokenError(9001023);
  const scope = form.get("scope");
  if (!scope) throw new TokenError(900144, { parameter: "scope" });
  const parts = scope.split(" ").filter(Boolean);
  if (parts.length !== 1 || !parts[0].toLowerCase().endsWith("/.default")) {
    throw new TokenError(1002012, { scope });
  }
  if (!parseScopes(parts[0]).graphDefault) {
    throw new TokenError(500011, { resource: parts[0].slice(0, -"/.default".length), tenant: tenant.id });
  }
  const consent = tenant.consents.get(app.clientId);
  if (!consent) throw new TokenError(700016, { clientId: app.clientId, tenant: tenant.id });
  const access = await mintAccessToken(rt, {
    tenant,
    app,
    user: null,
    scopes: [],
    roles: [...consent.appRoles].sort(byName),
  });
  return {
    token_type: "Bearer",
    expires_in: access.expiresIn,
    ext_expires_in: access.expiresIn,
    access_token: access.token,
  };
}

const byName = (a: string, b: string) => a.toLowerCase().localeCompare(b.toLowerCase());

/** `2023-01-01T00:00:00.0000000Z`: how the identity platform prints dates inside descriptions. */
function dotnetDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");
}

function json(status: number, body: unknown, extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": "no-store, no-cache",
      "Pragma": "no-cache",
      "x-ms-request-id": crypto.randomUUID(),
      ...extra,
    },
  });
}
