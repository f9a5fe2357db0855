// Verify a JWT against a project's keys: asymmetric keys (ES256/RS256) from a JWKS, and the legacy
// HS256 secret, which Supabase publishes in SUPABASE_JWKS as an `oct` key. jose's key sets take
// asymmetric keys only, hence the split.
import * as jose from "jose";

export type JwtVerifier = (token: string) => Promise<jose.JWTPayload>;

export function jwtVerifier(source: { jwks: jose.JSONWebKeySet } | { jwksUrl: URL }): JwtVerifier {
  const keys = "jwks" in source ? source.jwks.keys : [];
  const secrets = keys.filter((k) => k.kty === "oct");
  const asymmetric = "jwks" in source
    ? jose.createLocalJWKSet({ keys: keys.filter((k) => k.kty !== "oct") })
    : jose.createRemoteJWKSet(source.jwksUrl);

  return async (token) => {
    const { alg, kid } = jose.decodeProtectedHeader(token);
    if (alg === "HS256") {
      const secret = secrets.find((k) => (!k.alg || k.alg === alg) && (!kid || !k.kid || k.kid === kid));
      if (!secret) throw new jose.errors.JWKSNoMatchingKey();
      const key = await jose.importJWK(secret, "HS256");
      return (await jose.jwtVerify(token, key, { algorithms: ["HS256"] })).payload;
    }
    return (await jose.jwtVerify(token, asymmetric, { algorithms: ["ES256", "RS256"] })).payload;
  };
}
