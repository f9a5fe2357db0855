// GET /{tenant}/oauth2/v2.0/authorize (notes §1.2): no UI. Errors that make the redirect URI
// untrustworthy render a sign-in error page; everything after that redirects back to the app.
import type { Runtime } from "../runtime.ts";
import { findApp, union } from "../world/apps.ts";
import { CONSENT_ADMIN_ROLES } from "../world/roles.ts";
import type { AppRegistration, Consent, Tenant, User } from "../world/types.ts";
import { aadError } from "./aadsts.ts";
import { randomToken } from "./keys.ts";
import { parseScopes, requiresAdminConsent } from "./permissions.ts";
import { knobApplies, resolveTenantPath, signInUser } from "./sign-in.ts";
import { takeKnob } from "./state.ts";

const OUTCOME_CODES = {
  access_denied: 65004,
  consent_required: 65001,
  interaction_required: 50076,
  login_required: 50058,
};

export function authorize(rt: Runtime, url: URL, tenantSegment: string): Response {
  rt.counters.identity.authorize++;
  const q = url.searchParams;
  const now = rt.clock.now();
  const fail = (code: number, args: Record<string, string> = {}) => errorPage(rt, url, code, args);
  const path = resolveTenantPath(rt, tenantSegment);
  if (path.kind === "unknown") return fail(90002, { tenant: tenantSegment });
  const clientId = q.get("client_id");
  if (!clientId) return fail(900144, { parameter: "client_id" });
  const app = findApp(rt.world.apps, clientId);
  const tenantName = path.kind === "tenant" ? path.tenant.id : path.name;
  if (!app || (app.homeTenantId && path.kind === "tenant" && app.homeTenantId !== path.tenant.id)) {
    return fail(700016, { clientId, tenant: tenantName });
  }
  const redirectUri = q.get("redirect_uri");
  if (!redirectUri) return fail(900144, { parameter: "redirect_uri" });
  if (!app.redirectUris.includes(redirectUri)) return fail(50011, { redirectUri, clientId: app.clientId });

  const mode = q.get("response_mode") ?? "query";
  const state = q.get("state");
  const back = (params: Record<string, string>) =>
    redirect(redirectUri, mode, state === null ? params : { ...params, state });
  const backWithError = (code: number, args: Record<string, string> = {}, error?: string) => {
    rt.counters.recordIdentityError(code);
    const e = aadError(code, args, { now, origin: url.origin, correlationId: q.get("client-request-id") }, {
      error,
    });
    return back({
      error: String(e.body.error),
      error_description: String(e.body.error_description),
      error_uri: String(e.body.error_uri),
    });
  };

  const responseType = q.get("response_type") ?? "";
  if (!responseType.split(" ").includes("code")) {
    return backWithError(700054, { responseType }, "unsupported_response_type");
  }
  const scope = q.get("scope");
  if (!scope) return backWithError(900144, { parameter: "scope" });
  const scopes = parseScopes(scope);
  if (scopes.unknown.length) return backWithError(70011, { scope: scopes.unknown.join(" ") });
  if (scopes.foreign.length) {
    return backWithError(500011, {
      resource: scopes.foreign[0].split("/").slice(0, -1).join("/"),
      tenant: tenantName,
    });
  }
  const challenge = q.get("code_challenge");
  const method = q.get("code_challenge_method");
  if (method !== null && !["S256", "plain"].includes(method)) {
    return backWithError(900144, { parameter: "code_challenge_method" });
  }
  if (method !== null && !challenge) return backWithError(900144, { parameter: "code_challenge" });
  if (challenge !== null && (challenge.length < 43 || challenge.length > 128)) return backWithError(501491);

  const signIn = signInUser(rt, path, q.get("login_hint"));
  if ("missing" in signIn) return fail(50034, { user: signIn.missing, tenant: tenantName });
  const { user, tenant } = signIn;
  if (!user.graph.accountEnabled) return fail(50057);
  if (app.homeTenantId && app.homeTenantId !== tenant.id) {
    return fail(700016, { clientId, tenant: tenant.id });
  }

  const outcome = takeKnob(rt.identity.authorizeOutcomes, (k) => knobApplies(k, tenant, app.clientId, user));
  if (outcome) {
    return backWithError(
      OUTCOME_CODES[outcome],
      { clientId: app.clientId, appName: app.displayName },
      outcome,
    );
  }

  const wanted = scopes.graphDefault ? union(scopes.graph, app.requiredPermissions.delegated) : scopes.graph;
  const consent = tenant.consents.get(app.clientId);
  const granted = consent ? union(consent.adminScopes, consent.userScopes.get(user.id) ?? []) : [];
  const missing = wanted.filter((s) => !granted.some((g) => g.toLowerCase() === s.toLowerCase()));
  if (missing.length) {
    if (q.get("prompt") === "none") {
      return backWithError(65001, { clientId: app.clientId, appName: app.displayName }, "consent_required");
    }
    const isAdmin = user.roles.some((r) => CONSENT_ADMIN_ROLES.includes(r));
    if (!isAdmin && missing.some(requiresAdminConsent)) return fail(90094);
    recordUserConsent(rt, tenant, app, user, missing, consent);
  }

  const code = randomToken("1.AU4A", 96);
  rt.identity.codes.set(code, {
    tenantId: tenant.id,
    clientId: app.clientId,
    userId: user.id,
    redirectUri,
    scope,
    challenge,
    challengeMethod: challenge === null ? null : (method as "S256" | "plain" | null) ?? "plain",
    nonce: q.get("nonce"),
    issuedAt: now,
    redeemed: false,
  });
  return back({ code, session_state: crypto.randomUUID() });
}

function recordUserConsent(
  rt: Runtime,
  tenant: Tenant,
  app: AppRegistration,
  user: User,
  scopes: string[],
  existing?: Consent,
): void {
  const consent = existing ?? {
    clientId: app.clientId,
    servicePrincipalId: rt.random.uuid(),
    appRoles: [],
    adminScopes: [],
    userScopes: new Map(),
  };
  consent.userScopes.set(user.id, union(consent.userScopes.get(user.id) ?? [], scopes));
  tenant.consents.set(app.clientId, consent);
}

/** Back to the app: query or fragment redirect, or an auto-posting form. */
function redirect(redirectUri: string, mode: string, params: Record<string, string>): Response {
  const encoded = new URLSearchParams(params).toString();
  if (mode === "form_post") {
    const inputs = Object.entries(params).map(([k, v]) =>
      `<input type="hidden" name="${escape(k)}" value="${escape(v)}"/>`
    )
      .join("");
    return new Response(
      `<html><head><title>Working...</title></head><body><form method="POST" name="hiddenform" action="${
        escape(redirectUri)
      }">${inputs}<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit"/></noscript></form><script language="javascript">document.forms[0].submit();</script></body></html>`,
      { headers: { "Content-Type": "text/html; charset=utf-8" } },
    );
  }
  const sep = mode === "fragment" ? "#" : redirectUri.includes("?") ? "&" : "?";
  return new Response(null, { status: 302, headers: { Location: `${redirectUri}${sep}${encoded}` } });
}

/** What the sign-in page shows when it cannot trust the redirect URI: no redirect at all. */
function errorPage(rt: Runtime, url: URL, code: number, args: Record<string, string>): Response {
  rt.counters.recordIdentityError(code);
  const e = aadError(code, args, { now: rt.clock.now(), origin: url.origin });
  const description = String(e.body.error_description).split("\r\n");
  return new Response(
    `<!DOCTYPE html><html><head><title>Sign in to your account</title></head><body><h1>Sorry, but we're having trouble signing you in.</h1>${
      description.map((l) => `<p>${escape(l)}</p>`).join("")
    }</body></html>`,
    {
      status: 200,
      headers: { "Content-Type": "text/html; charset=utf-8", "x-emulator-error": `AADSTS${code}` },
    },
  );
}

function escape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
