// Identity platform behaviour, pitfall by pitfall (notes §1 and §10, pitfalls 1-5).
import assert from "node:assert/strict";
import { createLocalJWKSet, decodeJwt, jwtVerify } from "jose";
import { DEFAULT_APP, TENANT_IDS } from "../../local/graph-emulator/defaults.ts";
import {
  appToken,
  authorizeRequest,
  CONTOSO,
  graph,
  type Harness,
  tenantUsers,
  tokenRequest,
  userTokens,
  withEmulator,
} from "./harness.ts";

const REDIRECT = DEFAULT_APP.redirectUris[0];
const SECRET = DEFAULT_APP.clientSecret;
const CLIENT = DEFAULT_APP.clientId;

async function codeFor(
  h: Harness,
  scope: string,
  extra: Record<string, string> = {},
  loginHint?: string,
): Promise<string> {
  const r = await authorizeRequest(h, { scope, extra, loginHint });
  assert.equal(r.status, 302, await r.text());
  return new URL(r.headers.get("Location")!).searchParams.get("code")!;
}

function redeem(h: Harness, code: string, extra: Record<string, string> = {}) {
  return tokenRequest(h, CONTOSO, {
    grant_type: "authorization_code",
    client_id: CLIENT,
    client_secret: SECRET,
    code,
    redirect_uri: REDIRECT,
    ...extra,
  });
}

function refresh(h: Harness, refreshToken: string) {
  return tokenRequest(h, CONTOSO, {
    grant_type: "refresh_token",
    client_id: CLIENT,
    client_secret: SECRET,
    refresh_token: refreshToken,
  });
}

async function expectAadError(
  r: Response,
  status: number,
  error: string,
  code: number,
): Promise<Record<string, unknown>> {
  const body = await r.json();
  assert.equal(r.status, status, JSON.stringify(body));
  assert.equal(body.error, error);
  assert.deepEqual(body.error_codes, [code]);
  assert.match(
    body.error_description,
    new RegExp(
      `^AADSTS${code}: .+\\r\\nTrace ID: [0-9a-f-]{36}\\r\\nCorrelation ID: [0-9a-f-]{36}\\r\\nTimestamp: \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}Z$`,
    ),
  );
  assert.match(body.timestamp, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/);
  assert.match(body.trace_id, /^[0-9a-f-]{36}$/);
  assert.match(body.error_uri, new RegExp(`/error\\?code=${code}$`));
  return body;
}

Deno.test(
  "authorize redirects back with code, state and session_state; the code gives tokens",
  withEmulator(async (h) => {
    const r = await authorizeRequest(h, { scope: "openid profile offline_access User.Read" });
    assert.equal(r.status, 302);
    const location = new URL(r.headers.get("Location")!);
    assert.equal(`${location.origin}${location.pathname}`, REDIRECT);
    assert.equal(location.searchParams.get("state"), "st-1");
    assert.match(location.searchParams.get("session_state")!, /^[0-9a-f-]{36}$/);
    assert.ok(location.searchParams.get("code"));
  }),
);

Deno.test(
  "pitfall 1: returned scope uses short names, omits offline_access, expires_in is configurable",
  withEmulator(async (h) => {
    const t = await userTokens(h, {
      scope: "openid profile offline_access https://graph.microsoft.com/User.Read",
    });
    assert.ok(t.refresh_token, "offline_access still yields a refresh token");
    const scopes = t.scope.split(" ");
    assert.ok(!scopes.includes("offline_access"));
    assert.ok(scopes.includes("User.Read") && scopes.includes("openid") && scopes.includes("profile"));
    assert.ok(scopes.every((s) => !s.startsWith("https://")));
    // Previously (admin-)consented scopes come back too, more than was asked for.
    assert.ok(scopes.includes("Mail.ReadWrite"));
    assert.equal(t.token_type, "Bearer");
    assert.equal(t.expires_in, 3599);
    assert.equal(t.ext_expires_in, 3599);
    await h.control("identity/settings", { accessTokenLifetimeSeconds: 5091 }, "PATCH");
    const t2 = await userTokens(h, { scope: "User.Read" });
    assert.equal(t2.expires_in, 5091);
    assert.equal(t2.ext_expires_in, 5091);
  }),
);

Deno.test(
  "pitfall 2: refresh tokens rotate; the old one keeps working unless the knob says otherwise",
  withEmulator(async (h) => {
    const t = await userTokens(h, { scope: "offline_access User.Read" });
    const r1 = await (await refresh(h, t.refresh_token)).json();
    assert.ok(r1.refresh_token && r1.refresh_token !== t.refresh_token);
    assert.ok(r1.access_token && r1.access_token !== t.access_token);
    const again = await refresh(h, t.refresh_token);
    assert.equal(again.status, 200, "Microsoft does not revoke rotated refresh tokens");
    await again.body?.cancel();
    await h.control("identity/settings", { invalidateRotatedRefreshTokens: true }, "PATCH");
    await expectAadError(await refresh(h, t.refresh_token), 400, "invalid_grant", 70000);
    assert.equal((await refresh(h, r1.refresh_token)).status, 200);
  }),
);

Deno.test(
  "pitfall 3: invalid_client is a 401, other token errors are 400",
  withEmulator(async (h) => {
    const code = await codeFor(h, "User.Read");
    const wrong = await tokenRequest(h, CONTOSO, {
      grant_type: "authorization_code",
      client_id: CLIENT,
      client_secret: "not-the-secret",
      code,
      redirect_uri: REDIRECT,
    }, { "client-request-id": "11111111-2222-3333-4444-555555555555" });
    const body = await expectAadError(wrong, 401, "invalid_client", 7000215);
    assert.equal(body.correlation_id, "11111111-2222-3333-4444-555555555555");
    await expectAadError(await redeem(h, "garbage"), 400, "invalid_grant", 9002313);
    // The secret also works as HTTP Basic; the failed attempt did not burn the code.
    const basic = await tokenRequest(h, CONTOSO, {
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT,
    }, {
      Authorization: `Basic ${btoa(`${CLIENT}:${encodeURIComponent(SECRET)}`)}`,
    });
    assert.equal(basic.status, 200);
    await basic.body?.cancel();
    await expectAadError(
      await tokenRequest(h, "nosuchtenant.example", { grant_type: "client_credentials" }),
      400,
      "invalid_tenant",
      90002,
    );
    const missing = await tokenRequest(h, CONTOSO, {
      grant_type: "client_credentials",
      client_id: CLIENT,
      scope: "https://graph.microsoft.com/.default",
    });
    await expectAadError(missing, 401, "invalid_client", 7000218);
  }),
);

Deno.test(
  "expired client secret is AADSTS7000222; a new secret from the control API works",
  withEmulator(async (h) => {
    await h.control(`apps/${CLIENT}/secrets/${DEFAULT_APP.secretKeyId}`, { expire: true }, "PATCH");
    const r = await tokenRequest(h, CONTOSO, {
      grant_type: "client_credentials",
      client_id: CLIENT,
      client_secret: SECRET,
      scope: "https://graph.microsoft.com/.default",
    });
    await expectAadError(r, 401, "invalid_client", 7000222);
    const fresh = await h.control<{ value: string }>(`apps/${CLIENT}/secrets`, { expiresInDays: 30 });
    assert.ok(await appToken(h, CONTOSO, CLIENT, fresh.value));
  }),
);

Deno.test(
  "pitfall 4: no id_token without openid; oid/preferred_username/name only with profile",
  withEmulator(async (h) => {
    const none = await userTokens(h, { scope: "offline_access User.Read" });
    assert.equal(none.id_token, undefined);
    const bare = decodeJwt(
      (await userTokens(h, { scope: "openid User.Read", extra: { nonce: "n-1" } })).id_token,
    );
    assert.equal(bare.tid, CONTOSO);
    assert.equal(bare.nonce, "n-1");
    assert.equal(bare.ver, "2.0");
    assert.equal(bare.aud, CLIENT);
    assert.ok(bare.sub);
    assert.equal(bare.oid, undefined);
    assert.equal(bare.preferred_username, undefined);
    assert.equal(bare.name, undefined);
    const full = decodeJwt((await userTokens(h, { scope: "openid profile email User.Read" })).id_token);
    const admin = (await tenantUsers(h))[0];
    assert.equal(full.oid, admin.id);
    assert.equal(full.preferred_username, admin.userPrincipalName);
    assert.ok(full.name);
    assert.equal(full.iss, `${h.origin}/${CONTOSO}/v2.0`);
  }),
);

Deno.test(
  "id_tokens verify against the JWKS; access tokens are opaque and do not",
  withEmulator(async (h) => {
    const t = await (await redeem(h, await codeFor(h, "openid profile User.Read"), { client_info: "1" }))
      .json();
    const jwks = createLocalJWKSet(await (await h.fetch(`/${CONTOSO}/discovery/v2.0/keys`)).json());
    const { payload } = await jwtVerify(t.id_token, jwks, {
      issuer: `${h.origin}/${CONTOSO}/v2.0`,
      audience: CLIENT,
    });
    assert.equal(payload.tid, CONTOSO);
    await assert.rejects(jwtVerify(t.access_token, jwks));
    const claims = decodeJwt(t.access_token);
    assert.equal(claims.aud, "00000003-0000-0000-c000-000000000000");
    assert.equal(claims.ver, "1.0");
    assert.equal(claims.idtyp, "user");
    assert.equal(claims.oid, payload.oid);
    // client_info=1 (MSAL) returns base64url {"uid","utid"}.
    const info = JSON.parse(atob(t.client_info.replace(/-/g, "+").replace(/_/g, "/")));
    assert.deepEqual(info, { uid: payload.oid, utid: CONTOSO });
  }),
);

Deno.test(
  "code is single use (54005), expires after 10 minutes (70008), and needs the same redirect_uri (500112)",
  withEmulator(async (h) => {
    const code = await codeFor(h, "User.Read");
    const ok = await redeem(h, code);
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
    await expectAadError(await redeem(h, code), 400, "invalid_grant", 54005);
    const mismatch = await redeem(h, await codeFor(h, "User.Read"), {
      redirect_uri: "http://127.0.0.1:54321/other",
    });
    await expectAadError(mismatch, 400, "invalid_client", 500112);
    const old = await codeFor(h, "User.Read");
    await h.control("clock", { minutes: 11 });
    await expectAadError(await redeem(h, old), 400, "invalid_grant", 70008);
  }),
);

Deno.test(
  "PKCE: S256 and plain verifiers are checked (501481)",
  withEmulator(async (h) => {
    const verifier = "a".repeat(43) + "-PKCE-verifier";
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
    const challenge = btoa(String.fromCharCode(...digest)).replace(/\+/g, "-").replace(/\//g, "_").replace(
      /=+$/,
      "",
    );
    const s256 = await codeFor(h, "User.Read", { code_challenge: challenge, code_challenge_method: "S256" });
    await expectAadError(
      await redeem(h, s256, { code_verifier: "b".repeat(43) }),
      400,
      "invalid_grant",
      501481,
    );
    const s256b = await codeFor(h, "User.Read", { code_challenge: challenge, code_challenge_method: "S256" });
    assert.equal((await redeem(h, s256b, { code_verifier: verifier })).status, 200);
    // Without a method the challenge is plain.
    const plain = await codeFor(h, "User.Read", { code_challenge: verifier });
    assert.equal((await redeem(h, plain, { code_verifier: verifier })).status, 200);
  }),
);

Deno.test(
  "client credentials: /.default only (1002012), not on /common (9001023), roles and no refresh or id token",
  withEmulator(async (h) => {
    const base = { grant_type: "client_credentials", client_id: CLIENT, client_secret: SECRET };
    await expectAadError(
      await tokenRequest(h, CONTOSO, { ...base, scope: "https://graph.microsoft.com/User.Read.All" }),
      400,
      "invalid_scope",
      1002012,
    );
    await expectAadError(
      await tokenRequest(h, "common", { ...base, scope: "https://graph.microsoft.com/.default" }),
      400,
      "invalid_request",
      9001023,
    );
    const r = await tokenRequest(h, "fabrikam.com", {
      ...base,
      scope: "https://graph.microsoft.com/.default",
    });
    const t = await r.json();
    assert.deepEqual(Object.keys(t).sort(), ["access_token", "expires_in", "ext_expires_in", "token_type"]);
    const claims = decodeJwt(t.access_token);
    assert.equal(claims.tid, TENANT_IDS.fabrikam);
    assert.equal(claims.idtyp, "app");
    assert.equal(claims.scp, undefined);
    assert.deepEqual([...(claims.roles as string[])].sort(), [...DEFAULT_APP.applicationPermissions].sort());
  }),
);

Deno.test(
  "revoking a user's sessions fails their refresh tokens with 50173; 90 idle days give 700082",
  withEmulator(async (h) => {
    const a = await userTokens(h, { scope: "offline_access User.Read" });
    await h.control("identity/revoke", { user: (await tenantUsers(h))[0].userPrincipalName });
    await expectAadError(await refresh(h, a.refresh_token), 400, "invalid_grant", 50173);
    const b = await userTokens(h, { scope: "offline_access User.Read" });
    await h.control("clock", { days: 91 });
    const body = await expectAadError(await refresh(h, b.refresh_token), 400, "invalid_grant", 700082);
    assert.match(String(body.error_description), /inactive for 90\.00:00:00/);
    // The access token expired long ago too.
    const me = await graph(h, "/me", b.access_token);
    assert.equal(me.status, 401);
    assert.equal((await me.json()).error.message, "Lifetime validation failed, the token is expired.");
  }),
);

Deno.test(
  "age-out control: refresh tokens of one user pass the inactivity limit",
  withEmulator(async (h) => {
    const t = await userTokens(h, { scope: "offline_access User.Read" });
    await h.control("identity/age", { days: 95, kind: "refresh", user: (await tenantUsers(h))[0].id });
    await expectAadError(await refresh(h, t.refresh_token), 400, "invalid_grant", 700082);
  }),
);

Deno.test(
  "fault switches return the real error bodies (70008, 65001 with suberror, 54005, 7000215)",
  withEmulator(async (h) => {
    const t = await userTokens(h, { scope: "offline_access User.Read" });
    await h.control("identity/token-faults", { code: 70008, grantType: "refresh_token" });
    await expectAadError(await refresh(h, t.refresh_token), 400, "invalid_grant", 70008);
    assert.equal((await refresh(h, t.refresh_token)).status, 200, "a fault fires once by default");
    await h.control("identity/token-faults", { code: 65001 });
    const consent = await expectAadError(await refresh(h, t.refresh_token), 400, "invalid_grant", 65001);
    assert.equal(consent.suberror, "consent_required");
    await h.control("identity/token-faults", { code: 54005, times: 2 });
    await expectAadError(await redeem(h, await codeFor(h, "User.Read")), 400, "invalid_grant", 54005);
    await expectAadError(await redeem(h, await codeFor(h, "User.Read")), 400, "invalid_grant", 54005);
    await h.control("identity/token-faults", { code: 7000215, clientId: CLIENT });
    await expectAadError(await refresh(h, t.refresh_token), 401, "invalid_client", 7000215);
    const counters = await h.control<
      { identity: { errors: Record<string, number>; tokens: Record<string, number> } }
    >("counters");
    assert.equal(counters.identity.errors["54005"], 2);
    assert.ok(counters.identity.tokens.refresh_token >= 1);
  }),
);

Deno.test(
  "authorize: redirect_uri mismatch shows an error page and never redirects",
  withEmulator(async (h) => {
    const r = await authorizeRequest(h, { scope: "User.Read", redirectUri: "https://evil.example/cb" });
    assert.equal(r.headers.get("Location"), null);
    assert.match(await r.text(), /AADSTS50011/);
  }),
);

Deno.test(
  "authorize knobs: access_denied, consent_required, interaction_required redirect with state",
  withEmulator(async (h) => {
    for (const outcome of ["access_denied", "consent_required", "interaction_required"]) {
      await h.control("identity/authorize-outcomes", { outcome, times: 1 });
      const r = await authorizeRequest(h, { scope: "User.Read" });
      assert.equal(r.status, 302);
      const q = new URL(r.headers.get("Location")!).searchParams;
      assert.equal(q.get("error"), outcome);
      assert.equal(q.get("state"), "st-1");
      assert.match(q.get("error_description")!, /^AADSTS\d+: /);
      assert.equal(q.get("code"), null);
    }
    const after = await authorizeRequest(h, { scope: "User.Read" });
    assert.ok(new URL(after.headers.get("Location")!).searchParams.get("code"), "knobs were one-shot");
  }),
);

Deno.test(
  "authorize: prompt=none with a scope never consented gives consent_required; a user can consent otherwise",
  withEmulator(async (h) => {
    const user = (await tenantUsers(h)).find((u) =>
      u.kind === "member" && u.accountEnabled && u.roles.length === 0
    )!;
    const none = await authorizeRequest(h, {
      scope: "Calendars.Read",
      loginHint: user.userPrincipalName,
      extra: { prompt: "none" },
    });
    assert.equal(new URL(none.headers.get("Location")!).searchParams.get("error"), "consent_required");
    const t = await userTokens(h, { scope: "Calendars.Read", loginHint: user.userPrincipalName });
    assert.ok(t.scope.split(" ").includes("Calendars.Read"));
    const claims = decodeJwt(t.access_token);
    assert.equal(claims.upn, user.userPrincipalName);
    // A non-admin cannot consent to an admin-only scope: the sign-in page says so.
    const admin = await authorizeRequest(h, {
      scope: "Directory.ReadWrite.All",
      loginHint: user.userPrincipalName,
    });
    assert.equal(admin.headers.get("Location"), null);
    assert.match(await admin.text(), /AADSTS90094/);
  }),
);

Deno.test(
  "authorize: disabled accounts and unknown users are stopped on the sign-in page",
  withEmulator(async (h) => {
    const disabled = (await tenantUsers(h)).find((u) => u.kind === "member" && !u.accountEnabled)!;
    const r = await authorizeRequest(h, { scope: "User.Read", loginHint: disabled.userPrincipalName });
    assert.equal(r.headers.get("Location"), null);
    assert.match(await r.text(), /AADSTS50057/);
    const unknown = await authorizeRequest(h, { scope: "User.Read", loginHint: "nobody@contoso.com" });
    assert.match(await unknown.text(), /AADSTS50034/);
  }),
);

Deno.test(
  "default sign-in user per tenant is configurable",
  withEmulator(async (h) => {
    const user = (await tenantUsers(h)).find((u) =>
      u.kind === "member" && u.accountEnabled && u.roles.length === 0
    )!;
    await h.control("identity/sign-in", { tenant: CONTOSO, user: user.userPrincipalName }, "PUT");
    const t = await userTokens(h, { scope: "openid profile User.Read" });
    assert.equal(decodeJwt(t.id_token).oid, user.id);
  }),
);

Deno.test(
  "discovery: /common issuer is the {tenantid} template; tenant paths (GUID or domain) are concrete",
  withEmulator(async (h) => {
    const common = await (await h.fetch("/common/v2.0/.well-known/openid-configuration")).json();
    assert.equal(common.issuer, `${h.origin}/{tenantid}/v2.0`);
    assert.equal(common.token_endpoint, `${h.origin}/common/oauth2/v2.0/token`);
    const byDomain = await (await h.fetch("/contoso.com/v2.0/.well-known/openid-configuration")).json();
    assert.equal(byDomain.issuer, `${h.origin}/${CONTOSO}/v2.0`);
    assert.equal(byDomain.jwks_uri, `${h.origin}/${CONTOSO}/discovery/v2.0/keys`);
    const unknown = await h.fetch("/nosuch.example/v2.0/.well-known/openid-configuration");
    assert.equal(unknown.status, 400);
    assert.equal((await unknown.json()).error, "invalid_tenant");
  }),
);
