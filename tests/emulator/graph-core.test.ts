// Graph core: envelope and headers, authentication, permissions, $select, paging, $count.
import assert from "node:assert/strict";
import { DEFAULT_APP, TENANT_IDS } from "../../local/graph-emulator/defaults.ts";
import { appToken, CONTOSO, graph, tenantUsers, userTokens, withEmulator } from "./harness.ts";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function graphError(r: Response, status: number, code: string, message?: string | RegExp) {
  const body = await r.json();
  assert.equal(r.status, status, JSON.stringify(body));
  assert.equal(body.error.code, code);
  if (message instanceof RegExp) assert.match(body.error.message, message);
  else if (message !== undefined) assert.equal(body.error.message, message);
  return body;
}

Deno.test(
  "responses carry Graph's headers; errors use the envelope with innerError",
  withEmulator(async (h) => {
    const token = await appToken(h);
    const ok = await graph(h, "/users?$top=1", token, { headers: { "client-request-id": "abc-123" } });
    assert.equal(ok.headers.get("client-request-id"), "abc-123");
    assert.match(ok.headers.get("request-id")!, GUID);
    assert.equal(ok.headers.get("OData-Version"), "4.0");
    assert.ok(!Number.isNaN(Date.parse(ok.headers.get("Date")!)));
    assert.equal(
      ok.headers.get("Content-Type"),
      "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8",
    );
    await ok.body?.cancel();
    const bad = await graph(h, "/foo/bar", token);
    const requestId = bad.headers.get("request-id");
    const body = await graphError(bad, 400, "BadRequest", "Resource not found for the segment 'foo'.");
    assert.equal(body.error.innerError["request-id"], requestId);
    assert.equal(body.error.innerError["client-request-id"], requestId);
    assert.match(body.error.innerError.date, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  }),
);

Deno.test(
  "401 InvalidAuthenticationToken: empty, malformed, foreign audience, expired; with WWW-Authenticate",
  withEmulator(async (h) => {
    const empty = await h.fetch("/v1.0/users");
    assert.match(
      empty.headers.get("WWW-Authenticate")!,
      new RegExp(`authorization_uri="${h.origin}/common/oauth2/authorize"`),
    );
    await graphError(empty, 401, "InvalidAuthenticationToken", "Access token is empty.");
    await graphError(
      await graph(h, "/users", "not-a-jwt"),
      401,
      "InvalidAuthenticationToken",
      /^IDX14100: JWT is not well formed/,
    );
    const foreign = `e30.${btoa(JSON.stringify({ aud: "https://management.azure.com" }))}.sig`;
    await graphError(
      await graph(h, "/users", foreign),
      401,
      "InvalidAuthenticationToken",
      "Access token validation failure. Invalid audience.",
    );
    const token = await appToken(h);
    await h.control("clock", { seconds: 3600 });
    await graphError(
      await graph(h, "/users", token),
      401,
      "InvalidAuthenticationToken",
      "Lifetime validation failed, the token is expired.",
    );
  }),
);

Deno.test(
  "permissions: /me needs a user; scp vs roles; 403 wording per workload",
  withEmulator(async (h) => {
    const app = await appToken(h);
    await graphError(
      await graph(h, "/me", app),
      400,
      "BadRequest",
      "/me request is only valid with delegated authentication flow.",
    );
    const users = await tenantUsers(h);
    const user = users.find((u) =>
      u.kind === "member" && u.accountEnabled && u.roles.length === 0 && u.mailbox
    )!;
    const other = users.find((u) => u.mailbox && u.id !== user.id)!;
    const delegated =
      (await userTokens(h, { scope: "User.Read MailboxSettings.Read", loginHint: user.userPrincipalName }))
        .access_token;
    // The default app's admin consent includes no User.ReadBasic.All: User.Read covers only oneself.
    assert.equal((await graph(h, `/users/${user.id}`, delegated)).status, 200);
    assert.equal((await graph(h, "/me/mailboxSettings", delegated)).status, 200);
    await graphError(
      await graph(h, "/users", delegated),
      403,
      "Authorization_RequestDenied",
      "Insufficient privileges to complete the operation.",
    );
    await graphError(await graph(h, `/users/${other.id}`, delegated), 403, "Authorization_RequestDenied");
    await graphError(
      await graph(h, `/users/${other.id}/mailboxSettings`, delegated),
      403,
      "ErrorAccessDenied",
      "Access is denied. Check credentials and try again.",
    );
    // An app granted only User.Read.All reads users but not mailboxes.
    const narrow = await h.control<{ clientId: string; clientSecret: string }>("apps", {
      displayName: "narrow",
      permissions: { application: ["User.Read.All"] },
      adminConsent: [CONTOSO],
    });
    const narrowToken = await appToken(h, CONTOSO, narrow.clientId, narrow.clientSecret);
    assert.equal((await graph(h, "/users?$top=1", narrowToken)).status, 200);
    await graphError(
      await graph(h, `/users/${other.id}/mailboxSettings`, narrowToken),
      403,
      "ErrorAccessDenied",
    );
    await graphError(await graph(h, "/organization", narrowToken), 403, "Authorization_RequestDenied");
  }),
);

Deno.test(
  "404s: unknown user, user without a mailbox, unknown mailbox user",
  withEmulator(async (h) => {
    const app = await appToken(h);
    const missing = "00000000-0000-4000-8000-000000000000";
    await graphError(
      await graph(h, `/users/${missing}`, app),
      404,
      "Request_ResourceNotFound",
      `Resource '${missing}' does not exist or one of its queried reference-property objects are not present.`,
    );
    const guest = (await tenantUsers(h)).find((u) => u.kind === "guest")!;
    await graphError(
      await graph(h, `/users/${guest.id}/mailboxSettings`, app),
      404,
      "MailboxNotEnabledForRESTAPI",
    );
    await graphError(
      await graph(h, "/users/nobody@contoso.com/mailboxSettings", app),
      404,
      "ErrorInvalidUser",
    );
  }),
);

Deno.test(
  "users by id, UPN and OData key syntax; default properties vs $select",
  withEmulator(async (h) => {
    const app = await appToken(h);
    const u = (await tenantUsers(h))[0];
    const byId = await (await graph(h, `/users/${u.id}`, app)).json();
    assert.equal(byId["@odata.context"], `${h.origin}/v1.0/$metadata#users/$entity`);
    assert.deepEqual(Object.keys(byId).slice(1), [
      "businessPhones",
      "displayName",
      "givenName",
      "jobTitle",
      "mail",
      "mobilePhone",
      "officeLocation",
      "preferredLanguage",
      "surname",
      "userPrincipalName",
      "id",
    ]);
    assert.equal(byId.accountEnabled, undefined, "accountEnabled is $select-only");
    const byUpn = await (await graph(h, `/users/${encodeURIComponent(u.userPrincipalName)}`, app)).json();
    assert.equal(byUpn.id, u.id);
    const keyed = await (await graph(h, `/users('${u.id}')?$select=accountEnabled,userType`, app)).json();
    assert.equal(
      keyed["@odata.context"],
      `${h.origin}/v1.0/$metadata#users(accountEnabled,userType)/$entity`,
    );
    assert.deepEqual(Object.keys(keyed), ["@odata.context", "accountEnabled", "userType"]);
    await graphError(
      await graph(h, "/users?$select=id,nonsense", app),
      400,
      "BadRequest",
      "Parsing OData Select and Expand failed: Could not find a property named 'nonsense' on type 'microsoft.graph.user'.",
    );
    await graphError(
      await graph(h, "/users?$select=skills", app),
      501,
      "NotImplemented",
      "This operation target is not yet supported.",
    );
    const filtered = await graph(h, "/users?$filter=userType eq 'Guest'", app);
    assert.match(filtered.headers.get("x-emulator-note")!, /\$filter/);
    await graphError(filtered, 501, "NotImplemented");
  }),
);

Deno.test(
  "signInActivity needs AuditLog.Read.All and an Entra ID P1 tenant",
  withEmulator(async (h) => {
    const p1 = await (await graph(h, "/users?$select=id,signInActivity&$top=5", await appToken(h))).json();
    assert.ok(p1.value.some((u: { signInActivity: unknown }) => u.signInActivity !== null));
    await graphError(
      await graph(h, "/users?$select=signInActivity", await appToken(h, TENANT_IDS.tailspin)),
      403,
      "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
    );
    const narrow = await h.control<{ clientId: string; clientSecret: string }>("apps", {
      displayName: "no audit",
      permissions: { application: ["User.Read.All"] },
      adminConsent: "all",
    });
    const t = await appToken(h, CONTOSO, narrow.clientId, narrow.clientSecret);
    await graphError(
      await graph(h, "/users?$select=signInActivity", t),
      403,
      "Authentication_MSGraphPermissionMissing",
    );
  }),
);

Deno.test(
  "paging: default 100, $top up to 999, absolute https nextLinks on the emulator's origin",
  withEmulator(async (h) => {
    const app = await appToken(h);
    const all = await tenantUsers(h);
    const first = await (await graph(h, "/users", app)).json();
    assert.equal(first.value.length, 100);
    assert.ok(first["@odata.nextLink"].startsWith(`${h.origin}/v1.0/users?`));
    await graphError(
      await graph(h, "/users?$top=1000", app),
      400,
      "Request_BadRequest",
      "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.",
    );
    const seen: string[] = [];
    let next: string | undefined = "/users?$top=7&$select=id";
    while (next) {
      const page: { value: { id: string }[]; "@odata.nextLink"?: string; "@odata.context": string } =
        await (await graph(h, next, app)).json();
      assert.equal(page["@odata.context"], `${h.origin}/v1.0/$metadata#users(id)`);
      seen.push(...page.value.map((u) => u.id));
      next = page["@odata.nextLink"];
    }
    assert.deepEqual(seen, all.map((u) => u.id));
    await graphError(await graph(h, "/users?$skiptoken=bogus", app), 400, "Directory_ExpiredPageToken");
  }),
);

Deno.test(
  "pitfall 13: $count needs ConsistencyLevel: eventual on every page; @odata.count on the first only",
  withEmulator(async (h) => {
    const app = await appToken(h);
    const total = (await tenantUsers(h)).length;
    await graphError(
      await graph(h, "/users?$count=true", app),
      400,
      "Request_BadRequest",
      "$count is not currently supported.",
    );
    const eventual = { ConsistencyLevel: "eventual" };
    const first = await (await graph(h, "/users?$count=true&$top=50", app, { headers: eventual })).json();
    assert.equal(first["@odata.count"], total);
    assert.deepEqual(Object.keys(first), ["@odata.context", "@odata.count", "@odata.nextLink", "value"]);
    assert.match(first["@odata.nextLink"], /\$count=true/);
    await graphError(await graph(h, first["@odata.nextLink"], app), 400, "Request_BadRequest");
    const second = await (await graph(h, first["@odata.nextLink"], app, { headers: eventual })).json();
    assert.equal(second["@odata.count"], undefined);
    const count = await graph(h, "/users/$count", app, { headers: eventual });
    assert.match(count.headers.get("Content-Type")!, /^text\/plain/);
    assert.equal(await count.text(), String(total));
    await graphError(await graph(h, "/users/$count", app), 400, "Request_BadRequest");
  }),
);

Deno.test(
  "organization: the caller's tenant with its verified domains",
  withEmulator(async (h) => {
    const body = await (await graph(h, "/organization", await appToken(h, TENANT_IDS.fabrikam))).json();
    assert.equal(body.value.length, 1);
    assert.equal(body.value[0].id, TENANT_IDS.fabrikam);
    assert.ok(
      body.value[0].verifiedDomains.some((d: { name: string; isDefault: boolean }) =>
        d.name === "fabrikam.com" && d.isDefault
      ),
    );
    await graphError(
      await graph(h, `/organization/${CONTOSO}`, await appToken(h, TENANT_IDS.fabrikam)),
      404,
      "Request_ResourceNotFound",
    );
  }),
);

Deno.test(
  "counters count every Graph request by endpoint, app, tenant and mailbox",
  withEmulator(async (h) => {
    const app = await appToken(h);
    const mailboxUser = (await tenantUsers(h)).find((u) => u.mailbox)!;
    for (let i = 0; i < 3; i++) {
      await (await graph(h, `/users/${mailboxUser.id}/mailboxSettings`, app)).body?.cancel();
    }
    await (await graph(h, "/users?$top=1", app)).body?.cancel();
    type C = {
      graph: {
        requests: number;
        direct: number;
        byEndpoint: Record<string, number>;
        byApp: Record<string, number>;
        byMailbox: Record<string, number>;
        byTenant: Record<string, number>;
      };
    };
    const c = await h.control<C>("counters");
    assert.equal(c.graph.requests, 4);
    assert.equal(c.graph.direct, 4);
    assert.equal(c.graph.byEndpoint["GET /users/{user}/mailboxSettings"], 3);
    assert.equal(c.graph.byEndpoint["GET /users"], 1);
    assert.equal(c.graph.byApp[DEFAULT_APP.clientId], 4);
    assert.equal(c.graph.byTenant[CONTOSO], 4);
    assert.equal(c.graph.byMailbox[mailboxUser.id], 3);
    const reset = await h.control<C>("counters/reset", {});
    assert.equal(reset.graph.requests, 0);
  }),
);
