// Minting tokens. Access tokens are v1.0-shaped Graph JWTs that clients must treat as opaque (their
// header carries a `nonce` and, as with Microsoft's, the signature does not verify against the JWKS);
// Graph finds them in IdentityState. id_tokens are RS256 and verify against the JWKS.
import { SignJWT } from "jose";
import { GRAPH_RESOURCE_ID } from "../defaults.ts";
import type { Runtime } from "../runtime.ts";
import { ROLE } from "../world/roles.ts";
import type { AppRegistration, Tenant, User } from "../world/types.ts";
import { base64url, base64urlJson, randomToken } from "./keys.ts";

const encoder = new TextEncoder();

export interface AccessTokenSubject {
  tenant: Tenant;
  app: AppRegistration;
  /** null for app-only tokens. */
  user: User | null;
  scopes: string[];
  roles: string[];
}

export async function mintAccessToken(
  rt: Runtime,
  s: AccessTokenSubject,
): Promise<{ token: string; expiresIn: number }> {
  const now = rt.clock.now();
  const expiresIn = rt.identity.settings.accessTokenLifetimeSeconds;
  const iat = Math.floor(now / 1000);
  const common = {
    aud: GRAPH_RESOURCE_ID,
    iss: `https://sts.windows.net/${s.tenant.id}/`,
    iat,
    nbf: iat,
    exp: iat + expiresIn,
    aio: randomToken("", 48),
    app_displayname: s.app.displayName,
    appid: s.app.clientId,
    appidacr: "1",
    idp: `https://sts.windows.net/${s.tenant.id}/`,
    rh: `0.${randomToken("", 24)}.`,
    tenant_region_scope: "EU",
    tid: s.tenant.id,
    uti: randomToken("", 16),
    ver: "1.0",
    xms_tcdt: Math.floor(Date.parse(String(s.tenant.organization.createdDateTime)) / 1000),
  };
  const sp = s.tenant.consents.get(s.app.clientId)?.servicePrincipalId ?? s.app.clientId;
  const claims = s.user
    ? {
      ...common,
      acct: 0,
      acr: "1",
      amr: ["pwd", "mfa"],
      family_name: s.user.graph.surname ?? undefined,
      given_name: s.user.graph.givenName ?? undefined,
      idtyp: "user",
      ipaddr: "127.0.0.1",
      name: s.user.graph.displayName,
      oid: s.user.id,
      platf: "3",
      puid: s.user.id.replace(/-/g, "").slice(0, 16).toUpperCase(),
      scp: s.scopes.join(" "),
      sub: pairwiseSubject(s.user.id, s.app.clientId),
      unique_name: s.user.graph.userPrincipalName,
      upn: s.user.graph.userPrincipalName,
      wids: [...s.user.roles, ROLE.defaultUser],
    }
    : { ...common, idtyp: "app", oid: sp, roles: s.roles.length ? s.roles : undefined, sub: sp };
  const header = { typ: "JWT", nonce: randomToken("", 32), alg: "RS256", x5t: rt.key.kid, kid: rt.key.kid };
  // Microsoft signs over a hashed nonce, so the header as sent does not verify: opaque by design.
  const hashed = base64url(
    new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(header.nonce))),
  );
  const payload = base64urlJson(claims);
  const signature = await crypto.subtle.sign(
    "RSASSA-PKCS1-v1_5",
    rt.key.privateKey,
    encoder.encode(`${base64urlJson({ ...header, nonce: hashed })}.${payload}`),
  );
  const token = `${base64urlJson(header)}.${payload}.${base64url(new Uint8Array(signature))}`;
  rt.identity.accessTokens.set(token, {
    tenantId: s.tenant.id,
    clientId: s.app.clientId,
    userId: s.user?.id ?? null,
    scopes: s.scopes,
    roles: s.roles,
    grants: new Set((s.user ? s.scopes : s.roles).map((p) => p.toLowerCase())),
    issuedAt: now,
    expiresAt: now + expiresIn * 1000,
  });
  return { token, expiresIn };
}

export interface IdTokenSubject {
  origin: string;
  tenant: Tenant;
  app: AppRegistration;
  user: User;
  oidc: Set<string>;
  nonce: string | null;
}

/** v2.0 id_token; oid, preferred_username and name only with `profile`, email only with `email`. */
export function mintIdToken(rt: Runtime, s: IdTokenSubject): Promise<string> {
  const iat = Math.floor(rt.clock.now() / 1000);
  const claims: Record<string, unknown> = {
    aud: s.app.clientId,
    iss: `${s.origin}/${s.tenant.id}/v2.0`,
    iat,
    nbf: iat,
    exp: iat + 3900,
    rh: `0.${randomToken("", 24)}.`,
    sub: pairwiseSubject(s.user.id, s.app.clientId),
    tid: s.tenant.id,
    uti: randomToken("", 16),
    ver: "2.0",
  };
  if (s.nonce) claims.nonce = s.nonce;
  if (s.oidc.has("profile")) {
    claims.name = s.user.graph.displayName;
    claims.oid = s.user.id;
    claims.preferred_username = s.user.graph.userPrincipalName;
  }
  if (s.oidc.has("email") && s.user.graph.mail) claims.email = s.user.graph.mail;
  return new SignJWT(claims).setProtectedHeader({ typ: "JWT", alg: "RS256", kid: rt.key.kid }).sign(
    rt.key.privateKey,
  );
}

/** `client_info`: base64url `{"uid": oid, "utid": tid}` (MSAL sends client_info=1). */
export function clientInfo(user: User, tenant: Tenant): string {
  return base64urlJson({ uid: user.id, utid: tenant.id });
}

/** `sub` differs per app for the same user; derived, not stored. */
function pairwiseSubject(userId: string, clientId: string): string {
  let h = 0x811c9dc5;
  const out: number[] = [];
  for (const ch of `${userId}/${clientId}`) {
    h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    out.push(h & 0xff, (h >>> 8) & 0xff);
  }
  return base64url(new Uint8Array(out.slice(0, 32)));
}
