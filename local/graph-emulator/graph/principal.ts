// Who is calling Graph: the bearer token is looked up in what the identity platform issued, then
// mapped to tenant, app, and user + scopes (delegated) or roles (app-only). 401s per notes §2.3.
import { GRAPH_RESOURCE_ID } from "../defaults.ts";
import type { AccessTokenRecord } from "../identity/state.ts";
import type { Runtime } from "../runtime.ts";
import { findApp } from "../world/apps.ts";
import type { AppRegistration, Tenant, User } from "../world/types.ts";
import { GraphError } from "./errors.ts";

interface PrincipalBase {
  tenant: Tenant;
  app: AppRegistration;
  token: AccessTokenRecord;
}

export type Principal =
  | PrincipalBase & { kind: "delegated"; user: User; scopes: Set<string> }
  | PrincipalBase & { kind: "application"; roles: Set<string> };

export function authenticate(runtime: Runtime, authorization: string | null, origin: string): Principal {
  const fail = (message: string) =>
    new GraphError(401, "InvalidAuthenticationToken", message, {
      headers: {
        "WWW-Authenticate":
          `Bearer realm="", authorization_uri="${origin}/common/oauth2/authorize", client_id="${GRAPH_RESOURCE_ID}"`,
      },
    });
  const m = /^Bearer\s+(.*)$/i.exec(authorization?.trim() ?? "");
  const token = m?.[1].trim() ?? "";
  if (!token) throw fail("Access token is empty.");
  if (!token.includes(".")) {
    throw fail(
      "IDX14100: JWT is not well formed, there are no dots (.).\nThe token needs to be in JWS or JWE Compact Serialization Format. (JWS): 'EncodedHeader.EndcodedPayload.EncodedSignature'. (JWE): 'EncodedProtectedHeader.EncodedEncryptedKey.EncodedInitializationVector.EncodedCiphertext.EncodedAuthenticationTag'.",
    );
  }
  const record = runtime.identity.accessTokens.get(token);
  if (!record) {
    throw fail(
      audienceOf(token) === GRAPH_RESOURCE_ID
        ? "Access token validation failure."
        : "Access token validation failure. Invalid audience.",
    );
  }
  if (record.expiresAt <= runtime.clock.now()) {
    throw fail("Lifetime validation failed, the token is expired.");
  }
  const tenant = runtime.world.tenants.find((t) => t.id === record.tenantId);
  const app = findApp(runtime.world.apps, record.clientId);
  if (!tenant || !app) throw fail("Access token validation failure.");
  if (record.userId === null) {
    return { kind: "application", tenant, app, token: record, roles: record.grants };
  }
  const user = tenant.usersById.get(record.userId);
  if (!user) throw fail("Access token validation failure.");
  return { kind: "delegated", tenant, app, token: record, user, scopes: record.grants };
}

function audienceOf(token: string): string | null {
  try {
    const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(payload)).aud ?? null;
  } catch {
    return null;
  }
}

/** Whether the principal holds any of the permissions (case-insensitive). */
export function holdsAny(granted: Set<string>, wanted: readonly string[] | undefined): boolean {
  return wanted?.some((p) => granted.has(p.toLowerCase())) ?? false;
}
