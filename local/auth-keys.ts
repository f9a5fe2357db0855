// LOCAL ONLY. The keys a local Supabase has: the CLI's default API keys and legacy JWT secret, plus
// an ES256 signing key made at setup (what `supabase gen signing-key` gives a project).
import * as jose from "jose";

export const LOCAL_PUBLISHABLE_KEY = "sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH";
export const LOCAL_SECRET_KEY = "sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz";
export const LOCAL_JWT_SECRET = "super-secret-jwt-token-with-at-least-32-characters-long";

export interface KeysFile {
  signing_key: jose.JWK; // private ES256 JWK with kid
  sealing_keys: string; // TOKEN_ENCRYPTION_KEYS: kid:base64url,...
  message_id_secret: string; // MESSAGE_ID_SECRET: signs our outbound Message-IDs
}

export interface LocalKeys {
  kid: string;
  sealingKeys: string;
  messageIdSecret: string;
  privateKey: CryptoKey;
  publicJwk: jose.JWK;
  legacySecret: Uint8Array;
}

export async function createKeysFile(): Promise<KeysFile> {
  const { privateKey } = await jose.generateKeyPair("ES256", { extractable: true });
  const jwk = await jose.exportJWK(privateKey);
  const sealingKey = jose.base64url.encode(crypto.getRandomValues(new Uint8Array(32)));
  return {
    signing_key: { ...jwk, alg: "ES256", use: "sig", kid: crypto.randomUUID() },
    sealing_keys: `local-${new Date().toISOString().slice(0, 10)}:${sealingKey}`,
    message_id_secret: jose.base64url.encode(crypto.getRandomValues(new Uint8Array(32))),
  };
}

export async function loadKeys(path: string): Promise<LocalKeys> {
  const file = JSON.parse(await Deno.readTextFile(path)) as KeysFile;
  const { d: _d, ...publicJwk } = file.signing_key;
  return {
    kid: file.signing_key.kid!,
    sealingKeys: file.sealing_keys,
    messageIdSecret: file.message_id_secret,
    privateKey: await jose.importJWK(file.signing_key, "ES256") as CryptoKey,
    publicJwk,
    legacySecret: new TextEncoder().encode(LOCAL_JWT_SECRET),
  };
}

/** The public key set served at /auth/v1/.well-known/jwks.json. */
export function publicJwks(keys: LocalKeys): jose.JSONWebKeySet {
  return { keys: [keys.publicJwk] };
}

/** SUPABASE_JWKS as the CLI injects it: the signing keys plus the legacy secret as an `oct` key. */
export function functionJwks(keys: LocalKeys): jose.JSONWebKeySet {
  const oct: jose.JWK = { kty: "oct", k: jose.base64url.encode(keys.legacySecret), alg: "HS256" };
  return { keys: [keys.publicJwk, oct] };
}

/** Legacy anon / service_role API keys: HS256 JWTs, as `supabase start` prints them. */
export async function legacyRoleJwt(keys: LocalKeys, role: "anon" | "service_role"): Promise<string> {
  return await new jose.SignJWT({ role })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer("supabase-demo")
    .setExpirationTime(1983812996)
    .sign(keys.legacySecret);
}

export interface SessionUser {
  id: string;
  email: string;
}

/** A user session JWT shaped like GoTrue's (signed with the ES256 key). */
export async function userSessionJwt(
  keys: LocalKeys,
  supabaseUrl: string,
  user: SessionUser,
  options: { expiresInSeconds?: number; issuedAt?: number } = {},
): Promise<string> {
  const iat = options.issuedAt ?? Math.floor(Date.now() / 1000);
  return await new jose.SignJWT({
    email: user.email,
    role: "authenticated",
    aal: "aal1",
    amr: [{ method: "password", timestamp: iat }],
    session_id: crypto.randomUUID(),
    is_anonymous: false,
    app_metadata: { provider: "email", providers: ["email"] },
    user_metadata: {},
  })
    .setProtectedHeader({ alg: "ES256", kid: keys.kid, typ: "JWT" })
    .setIssuer(new URL("/auth/v1", supabaseUrl).href)
    .setSubject(user.id)
    .setAudience("authenticated")
    .setIssuedAt(iat)
    .setExpirationTime(iat + (options.expiresInSeconds ?? 3600))
    .sign(keys.privateKey);
}
