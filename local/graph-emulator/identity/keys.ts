// The emulator's token-signing key (RS256) and its JWKS. Made at start-up; not part of the world.
import { exportJWK, type JWK } from "jose";

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function createSigningKey(): Promise<SigningKey> {
  const pair = await crypto.subtle.generateKey(
    {
      name: "RSASSA-PKCS1-v1_5",
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: "SHA-256",
    },
    true,
    ["sign", "verify"],
  );
  // Like Entra's `kid`/`x5t`: a base64url SHA-1 thumbprint (here of the public key).
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey));
  const kid = base64url(new Uint8Array(await crypto.subtle.digest("SHA-1", spki)));
  const jwk = await exportJWK(pair.publicKey);
  return {
    kid,
    privateKey: pair.privateKey,
    publicJwk: { kty: jwk.kty, use: "sig", kid, x5t: kid, n: jwk.n, e: jwk.e },
  };
}

/** `/discovery/v2.0/keys`: each key names the issuer template it signs for. */
export function jwks(key: SigningKey, issuer: string): { keys: (JWK & { issuer: string })[] } {
  return { keys: [{ ...key.publicJwk, issuer }] };
}

export function base64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function base64urlJson(value: unknown): string {
  return base64url(new TextEncoder().encode(JSON.stringify(value)));
}

export function randomToken(prefix: string, bytes: number): string {
  return prefix + base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}
