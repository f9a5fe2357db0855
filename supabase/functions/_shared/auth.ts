// Who is calling: a signed-in user (Supabase JWT), a holder of the secret key (workers, pg_cron),
// a holder of the publishable key, or nobody. Verified with jose against the project's JWKS.
import * as jose from "jose";
import { env } from "./env.ts";
import { Forbidden, Unauthorized } from "./errors.ts";
import { type JwtVerifier, jwtVerifier } from "./jwt.ts";

export type UserClaims = jose.JWTPayload & { sub: string; role: "authenticated"; email?: string };

export type Caller =
  | { kind: "user"; userId: string; claims: UserClaims }
  | { kind: "secret" }
  | { kind: "publishable" }
  | { kind: "anonymous" };

/** What a function demands. `publishable` admits any identified caller; `user` only a session. */
export type AuthMode = "none" | "publishable" | "user" | "secret";

let verifier: JwtVerifier | undefined;

/** The project's keys: SUPABASE_JWKS when injected, else the auth server's JWKS endpoint. */
function verify(token: string): Promise<jose.JWTPayload> {
  const { SUPABASE_JWKS, SUPABASE_URL } = env();
  verifier ??= SUPABASE_JWKS
    ? jwtVerifier({ jwks: SUPABASE_JWKS as jose.JSONWebKeySet })
    : jwtVerifier({ jwksUrl: new URL("/auth/v1/.well-known/jwks.json", SUPABASE_URL) });
  return verifier(token);
}

function constantTimeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

function matchesAny(key: string, keys: Record<string, string> | undefined): boolean {
  return Object.values(keys ?? {}).some((k) => constantTimeEqual(key, k));
}

async function callerFromJwt(token: string): Promise<Caller> {
  let payload: jose.JWTPayload;
  try {
    payload = await verify(token);
  } catch (error) {
    const expired = error instanceof jose.errors.JWTExpired;
    throw new Unauthorized(expired ? "the JWT has expired" : "the JWT does not verify", "invalid_jwt");
  }
  switch (payload.role) {
    case "authenticated": {
      const { SB_JWT_ISSUER, SUPABASE_URL } = env();
      const issuer = SB_JWT_ISSUER ?? new URL("/auth/v1", SUPABASE_URL).href;
      if (payload.iss !== issuer || typeof payload.sub !== "string" || payload.sub === "") {
        throw new Unauthorized("the JWT is not a user session of this project", "invalid_jwt");
      }
      return { kind: "user", userId: payload.sub, claims: payload as UserClaims };
    }
    case "service_role":
      return { kind: "secret" };
    case "anon":
      return { kind: "publishable" };
    default:
      throw new Unauthorized("the JWT carries no known role", "invalid_jwt");
  }
}

/**
 * Identify the caller from `Authorization: Bearer <jwt>` and the `apikey` header (supabase-js sends
 * both: the publishable key and the user's session). A user session wins over a key.
 */
export async function identify(headers: Headers): Promise<Caller> {
  const authorization = headers.get("authorization") ?? "";
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
  const apikey = headers.get("apikey") ?? (bearer?.startsWith("sb_") ? bearer : undefined);

  const fromJwt = bearer && !bearer.startsWith("sb_") ? await callerFromJwt(bearer) : undefined;
  if (fromJwt?.kind === "user") return fromJwt;

  const { SUPABASE_SECRET_KEYS, SUPABASE_PUBLISHABLE_KEYS } = env();
  if (apikey?.startsWith("sb_")) {
    if (matchesAny(apikey, SUPABASE_SECRET_KEYS)) return { kind: "secret" };
    if (matchesAny(apikey, SUPABASE_PUBLISHABLE_KEYS)) return fromJwt ?? { kind: "publishable" };
    throw new Unauthorized("the API key is not valid for this project", "invalid_api_key");
  }
  return fromJwt ?? { kind: "anonymous" };
}

/** Refuse a caller below the mode a function demands. */
export function admit(caller: Caller, mode: AuthMode): void {
  if (mode === "none") return;
  if (mode === "secret") {
    if (caller.kind !== "secret") {
      throw caller.kind === "anonymous"
        ? new Unauthorized("this endpoint needs the project's secret key")
        : new Forbidden("this endpoint needs the project's secret key");
    }
    return;
  }
  if (mode === "user") {
    if (caller.kind !== "user") {
      throw new Unauthorized(
        "sign in first: this endpoint needs a user session JWT",
        "user_session_required",
      );
    }
    return;
  }
  if (caller.kind === "anonymous") throw new Unauthorized("an API key or session is required");
}
