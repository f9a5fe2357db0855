// The control API's world management: reset/reseed with generator options, app registrations and
// consent, as the mail and posture suites will use them.
import assert from "node:assert/strict";
import { DEFAULT_APP, TENANT_IDS } from "../../local/graph-emulator/defaults.ts";
import type { EmulatorPlugin } from "../../local/graph-emulator/plugin.ts";
import { DEFAULT_PLUGINS } from "../../local/graph-emulator/plugins.ts";
import { Slot } from "../../local/graph-emulator/world/slots.ts";
import {
  appToken,
  authorizeRequest,
  CONTOSO,
  graph,
  statusOf,
  tenantUsers,
  tokenRequest,
  userTokens,
  withEmulator,
} from "./harness.ts";

const MAILBOX_SIZE = new Slot<{ messages: number }>("sized");
const sized: EmulatorPlugin = {
  name: "sized",
  generate: ({ world, options }) =>
    MAILBOX_SIZE.set(world, { messages: (options as { messages?: number })?.messages ?? 0 }),
};

Deno.test(
  "reset reseeds the world, hands generators their options and forgets issued tokens",
  withEmulator(async (h) => {
    const before = (await tenantUsers(h)).map((u) => u.id);
    const token = await appToken(h);
    assert.equal(MAILBOX_SIZE.get(h.emulator.world).messages, 0);
    assert.deepEqual(await h.control("reset", { seed: 2, options: { sized: { messages: 10_000 } } }), {
      seed: 2,
      size: "small",
    });
    assert.equal(MAILBOX_SIZE.get(h.emulator.world).messages, 10_000);
    assert.notDeepEqual((await tenantUsers(h)).map((u) => u.id), before);
    assert.equal(await statusOf(await graph(h, "/organization", token)), 401);
    await h.control("reset", { seed: 1 });
    assert.deepEqual(
      (await tenantUsers(h)).map((u) => u.id),
      before,
      "seed 1 again gives the same directory",
    );
  }, { plugins: [...DEFAULT_PLUGINS, sized] }),
);

Deno.test(
  "registered apps: single-tenant apps stay home, redirect URIs can be added, public clients hold no secret",
  withEmulator(async (h) => {
    const lob = await h.control<{ clientId: string; clientSecret: string }>("apps", {
      displayName: "Contoso line-of-business",
      homeTenant: "contoso.com",
      permissions: { application: ["User.Read.All"], delegated: ["User.Read"] },
      adminConsent: [CONTOSO],
    });
    assert.ok(await appToken(h, CONTOSO, lob.clientId, lob.clientSecret));
    const elsewhere = await tokenRequest(h, TENANT_IDS.fabrikam, {
      grant_type: "client_credentials",
      client_id: lob.clientId,
      client_secret: lob.clientSecret,
      scope: "https://graph.microsoft.com/.default",
    });
    assert.deepEqual((await elsewhere.json()).error_codes, [700016]);

    const uri = "http://localhost:8400/callback";
    assert.match(
      await (await authorizeRequest(h, { scope: "User.Read", redirectUri: uri })).text(),
      /AADSTS50011/,
    );
    await h.control(`apps/${DEFAULT_APP.clientId}`, { addRedirectUris: [uri] }, "PATCH");
    assert.ok((await userTokens(h, { scope: "User.Read", redirectUri: uri })).access_token);

    const pub = await h.control<{ clientId: string; clientSecret: null }>("apps", {
      displayName: "desktop",
      publicClient: true,
      redirectUris: [uri],
      permissions: { delegated: ["User.Read"] },
      adminConsent: "all",
    });
    assert.equal(pub.clientSecret, null);
    const code = new URL(
      (await authorizeRequest(h, { scope: "User.Read", clientId: pub.clientId, redirectUri: uri })).headers
        .get("Location")!,
    ).searchParams.get("code")!;
    const withSecret = await tokenRequest(h, CONTOSO, {
      grant_type: "authorization_code",
      client_id: pub.clientId,
      client_secret: "anything",
      code,
      redirect_uri: uri,
    });
    assert.equal(withSecret.status, 401);
    assert.deepEqual((await withSecret.json()).error_codes, [700025]);
    const ok = await tokenRequest(h, CONTOSO, {
      grant_type: "authorization_code",
      client_id: pub.clientId,
      code,
      redirect_uri: uri,
    });
    assert.equal(await statusOf(ok), 200);
  }),
);

Deno.test(
  "withdrawn consent: refresh gives 65001 (consent_required), client credentials 700016",
  withEmulator(async (h) => {
    const t = await userTokens(h, { scope: "offline_access User.Read" });
    await h.control(`tenants/${CONTOSO}/consents/${DEFAULT_APP.clientId}`, undefined, "DELETE");
    const refreshed = await tokenRequest(h, CONTOSO, {
      grant_type: "refresh_token",
      client_id: DEFAULT_APP.clientId,
      client_secret: DEFAULT_APP.clientSecret,
      refresh_token: t.refresh_token,
    });
    const body = await refreshed.json();
    assert.deepEqual([refreshed.status, body.error, body.error_codes, body.suberror], [400, "invalid_grant", [
      65001,
    ], "consent_required"]);
    await assert.rejects(appToken(h), /700016/);
    await h.control(`tenants/${CONTOSO}/consents/${DEFAULT_APP.clientId}`, {
      appRoles: ["Organization.Read.All"],
    }, "PUT");
    const narrow = await appToken(h);
    assert.equal(await statusOf(await graph(h, "/organization", narrow)), 200);
    assert.equal(await statusOf(await graph(h, "/users", narrow)), 403);
  }),
);

Deno.test(
  "control API rejects bad input with a message",
  withEmulator(async (h) => {
    const r = await h.fetch("/_emulator/faults", { method: "POST", body: JSON.stringify({ status: 418 }) });
    assert.equal(r.status, 400);
    assert.ok((await r.json()).error);
    const unknownRole = await h.fetch("/_emulator/apps", {
      method: "POST",
      body: JSON.stringify({ displayName: "x", permissions: { application: ["Mail.Everything"] } }),
    });
    assert.match((await unknownRole.json()).error, /unknown application permission 'Mail.Everything'/);
    const back = await h.fetch("/_emulator/clock", {
      method: "POST",
      body: JSON.stringify({ set: "2000-01-01T00:00:00Z" }),
    });
    assert.equal(await statusOf(back), 400);
  }),
);
