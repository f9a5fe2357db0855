// The client library our product uses, end to end: code + PKCE + state + nonce through /common,
// id_token validation against the tenant's own issuer (the multi-tenant issuer trap, notes §0),
// refresh, and client credentials against tenant-specific discovery.
import assert from "node:assert/strict";
import { createLocalJWKSet, decodeJwt, jwtVerify } from "jose";
import * as oauth from "oauth4webapi";
import { DEFAULT_APP, TENANT_IDS } from "../../local/graph-emulator/defaults.ts";
import { graph, tenantUsers, withEmulator } from "./harness.ts";

Deno.test(
  "oauth4webapi: multi-tenant code flow with PKCE, per-tenant issuer, refresh, client credentials",
  withEmulator(async (h) => {
    const options = {
      [oauth.customFetch]: (url: string, init: RequestInit) => fetch(url, { ...init, client: h.client }),
    };
    const client: oauth.Client = { client_id: DEFAULT_APP.clientId };
    const auth = oauth.ClientSecretPost(DEFAULT_APP.clientSecret);

    // Strict discovery of /common fails: its issuer is the {tenantid} template.
    const commonIssuer = new URL(`${h.origin}/common/v2.0`);
    await assert.rejects(
      oauth.processDiscoveryResponse(commonIssuer, await oauth.discoveryRequest(commonIssuer, options)),
    );
    const common: oauth.AuthorizationServer =
      await (await h.fetch("/common/v2.0/.well-known/openid-configuration")).json();

    // Sign in a Fabrikam user through /common.
    const fabrikamUser = (await tenantUsers(h, TENANT_IDS.fabrikam)).find((u) =>
      u.kind === "member" && u.accountEnabled
    )!;
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const url = new URL(common.authorization_endpoint!);
    for (
      const [k, v] of Object.entries({
        client_id: client.client_id,
        redirect_uri: DEFAULT_APP.redirectUris[0],
        response_type: "code",
        scope: "openid profile offline_access User.Read Mail.ReadWrite",
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: "S256",
        state,
        nonce,
        login_hint: fabrikamUser.userPrincipalName,
      })
    ) url.searchParams.set(k, v);
    const redirect = await h.fetch(url.href, { redirect: "manual" });
    const callback = oauth.validateAuthResponse(
      common,
      client,
      new URL(redirect.headers.get("Location")!),
      state,
    );
    const response = await oauth.authorizationCodeGrantRequest(
      common,
      client,
      auth,
      callback,
      DEFAULT_APP.redirectUris[0],
      verifier,
      options,
    );

    // The template issuer cannot validate the id_token; the tid inside names the right one.
    await assert.rejects(
      oauth.processAuthorizationCodeResponse(common, client, response.clone(), { expectedNonce: nonce }),
    );
    const { id_token } = await response.clone().json();
    const tid = decodeJwt(id_token).tid as string;
    assert.equal(tid, TENANT_IDS.fabrikam);
    const tenantAs: oauth.AuthorizationServer = { ...common, issuer: `${h.origin}/${tid}/v2.0` };
    const tokens = await oauth.processAuthorizationCodeResponse(tenantAs, client, response, {
      expectedNonce: nonce,
      requireIdToken: true,
    });
    const claims = oauth.getValidatedIdTokenClaims(tokens)!;
    assert.equal(claims.oid, fabrikamUser.id);
    assert.equal(claims.preferred_username, fabrikamUser.userPrincipalName);
    // oauth4webapi trusts TLS for the token response; the signature verifies against the JWKS too.
    const jwks = createLocalJWKSet(await (await h.fetch(`/${tid}/discovery/v2.0/keys`)).json());
    await jwtVerify(id_token, jwks, { issuer: tenantAs.issuer, audience: client.client_id });

    const me = await (await graph(h, "/me", tokens.access_token)).json();
    assert.equal(me.id, fabrikamUser.id);

    // Refresh (through /common) rotates the refresh token and re-issues an id_token for the same tenant.
    const refreshed = await oauth.processRefreshTokenResponse(
      tenantAs,
      client,
      await oauth.refreshTokenGrantRequest(common, client, auth, tokens.refresh_token!, options),
    );
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
    assert.ok(!refreshed.scope!.split(" ").includes("offline_access"));

    // Client credentials against a tenant: strict discovery works there.
    const tenantIssuer = new URL(`${h.origin}/${TENANT_IDS.fabrikam}/v2.0`);
    const tenant = await oauth.processDiscoveryResponse(
      tenantIssuer,
      await oauth.discoveryRequest(tenantIssuer, options),
    );
    const app = await oauth.processClientCredentialsResponse(
      tenant,
      client,
      await oauth.clientCredentialsGrantRequest(tenant, client, auth, {
        scope: "https://graph.microsoft.com/.default",
      }, options),
    );
    assert.equal(app.refresh_token, undefined);
    assert.equal(decodeJwt(app.access_token).idtyp, "app");
  }),
);
