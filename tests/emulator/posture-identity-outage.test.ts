// The identity outage switch: /token can answer 503 temporarily_unavailable (with or without
// Retry-After) or 500 server_error, by count, per grant type, tenant or client, so a token vault can
// be tested for "an outage during refresh → back off, keep the refresh token".
import assert from "node:assert/strict";
import { DEFAULT_APP, TENANT_IDS } from "../../local/graph-emulator/defaults.ts";
import { CONTOSO, type Harness, statusOf, tokenRequest, userTokens, withEmulator } from "./harness.ts";

const refresh = (h: Harness, refreshToken: string) =>
  tokenRequest(h, CONTOSO, {
    grant_type: "refresh_token",
    client_id: DEFAULT_APP.clientId,
    client_secret: DEFAULT_APP.clientSecret,
    refresh_token: refreshToken,
  });

const clientCredentials = (h: Harness, tenant: string) =>
  tokenRequest(h, tenant, {
    grant_type: "client_credentials",
    client_id: DEFAULT_APP.clientId,
    client_secret: DEFAULT_APP.clientSecret,
    scope: "https://graph.microsoft.com/.default",
  });

async function outage(r: Response, status: number, error: string, code: number): Promise<string | null> {
  assert.equal(r.status, status);
  const body = await r.json();
  assert.equal(body.error, error);
  assert.deepEqual(body.error_codes, [code]);
  assert.match(body.error_description, new RegExp(`^AADSTS${code}: .*\\r\\nTrace ID: `));
  return r.headers.get("Retry-After");
}

Deno.test(
  "a 503 outage on refresh: temporarily_unavailable with Retry-After, twice, then the same refresh token works",
  withEmulator(async (h) => {
    const t = await userTokens(h, { scope: "offline_access User.Read" });
    await h.control("identity/token-faults", {
      code: 90033,
      grantType: "refresh_token",
      retryAfter: 7,
      times: 2,
    });
    assert.equal(
      await statusOf(await clientCredentials(h, CONTOSO)),
      200,
      "another grant type is unaffected",
    );
    for (let i = 0; i < 2; i++) {
      assert.equal(
        await outage(await refresh(h, t.refresh_token), 503, "temporarily_unavailable", 90033),
        "7",
      );
    }
    const ok = await refresh(h, t.refresh_token);
    assert.equal(ok.status, 200);
    assert.ok((await ok.json()).refresh_token);
  }),
);

Deno.test(
  "outages without Retry-After, and 500 server_error scoped to one tenant's client credentials",
  withEmulator(async (h) => {
    await h.control("identity/token-faults", {
      code: 90033,
      grantType: "client_credentials",
      tenant: CONTOSO,
    });
    assert.equal(
      await outage(await clientCredentials(h, CONTOSO), 503, "temporarily_unavailable", 90033),
      null,
    );
    await h.control("identity/token-faults", {
      code: 50000,
      grantType: "client_credentials",
      tenant: TENANT_IDS.fabrikam,
      clientId: DEFAULT_APP.clientId,
    });
    assert.equal(await statusOf(await clientCredentials(h, CONTOSO)), 200, "the contoso outage fired once");
    assert.equal(
      await outage(await clientCredentials(h, TENANT_IDS.fabrikam), 500, "server_error", 50000),
      null,
    );
    assert.equal(await statusOf(await clientCredentials(h, TENANT_IDS.fabrikam)), 200);
    const c = await h.control<{ identity: { errors: Record<string, number> } }>("counters");
    assert.deepEqual(c.identity.errors, { "90033": 1, "50000": 1 });
  }),
);
