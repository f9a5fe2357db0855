// The fidelity checker itself, then every entity the directory endpoints serve.
import assert from "node:assert/strict";
import { appToken, CONTOSO, graph, tenantUsers, userTokens, withEmulator } from "./harness.ts";
import {
  assertCollectionConforms,
  assertConforms,
  conformanceProblems,
  NOTIFICATION_QUIRKS,
} from "./csdl.ts";

Deno.test("checker: accepts a docs sample user and organization", () => {
  assertConforms({
    "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users/$entity",
    businessPhones: [],
    displayName: "Conf Room Adams",
    givenName: null,
    mail: "Adams@contoso.com",
    userPrincipalName: "Adams@contoso.com",
    id: "6ea91a8d-e32e-41a1-b7bd-d2d185eed0e0",
    deletedDateTime: null,
  }, "user");
  assertConforms(
    { verifiedDomains: [{ name: "contoso.com", isDefault: true, type: "Managed" }] },
    "organization",
  );
});

Deno.test("checker: reports unknown properties, wrong types, bad enums, nulls and derived types", () => {
  const problems = (v: unknown, t: string) => conformanceProblems(v, t).join("\n");
  assert.match(problems({ skillz: [] }, "user"), /no property 'skillz'/);
  assert.match(problems({ accountEnabled: "true" }, "user"), /is not Edm.Boolean/);
  assert.match(problems({ businessPhones: "x" }, "user"), /expected Collection/);
  assert.match(problems({ businessPhones: null }, "user"), /expected Collection/);
  assert.match(problems({ createdDateTime: "yesterday" }, "user"), /not Edm.DateTimeOffset/);
  assert.match(problems({ importance: "urgent" }, "message"), /not a member of microsoft.graph.importance/);
  assert.match(
    problems({ body: { contentType: "html", size: 3 } }, "message"),
    /no property 'size' on microsoft.graph.itemBody/,
  );
  assert.match(
    problems({ "@odata.type": "#microsoft.graph.group" }, "user"),
    /not microsoft.graph.user or derived/,
  );
  assert.match(problems({ "foo@odata.context": "x" }, "user"), /annotation of an unknown property/);
  assert.match(problems({ "@foo": 1 }, "user"), /unknown annotation/);
  // Derived types bring their own properties; flags enums take comma lists.
  assert.deepEqual(
    conformanceProblems(
      { "@odata.type": "#microsoft.graph.mailSearchFolder", filterQuery: "x" },
      "mailFolder",
    ),
    [],
  );
  assert.deepEqual(conformanceProblems({ id: "x", "@removed": { reason: "deleted" } }, "message"), []);
});

Deno.test("checker: open types accept only the dynamic properties a caller declares", () => {
  assert.match(conformanceProblems({ tagline: "x" }, "user").join(), /no property 'tagline'/);
  assert.deepEqual(
    conformanceProblems({ tagline: "x" }, "user", { dynamic: { "microsoft.graph.user": ["tagline"] } }),
    [],
  );
});

Deno.test("checker: Graph's capitalised notification resourceData passes only as a named quirk, and is still checked", () => {
  // The docs' Outlook notification (notes §5.4), as Graph sends it.
  const notification = (resourceData: Record<string, unknown>) => ({
    value: [{
      subscriptionId: "c6126aa3-0ed8-412f-a988-71e6cee627c4",
      subscriptionExpirationDateTime: "2022-01-02T03:12:18.2257768+05:30",
      changeType: "created",
      resource: "Users/622eaaff-0683-4862-9de4-f2ec83c2bd98/Messages/AAMkAGUwNjQ4ZjIxAAA=",
      resourceData: {
        "@odata.type": "#Microsoft.Graph.Message",
        "@odata.id": "Users/622eaaff-0683-4862-9de4-f2ec83c2bd98/Messages/AAMkAGUwNjQ4ZjIxAAA=",
        "@odata.etag": 'W/"CQAAABYAAACQ2fKdhq8oSKEDSVrdi3lRAAGDUUXn"',
        id: "AAMkAGUwNjQ4ZjIxAAA=",
        ...resourceData,
      },
      clientState: "secretClientValue",
      tenantId: "84bd8158-6d4d-4958-8b9f-9d6445542f95",
    }],
  });
  const check = (v: unknown, quirks = NOTIFICATION_QUIRKS) =>
    conformanceProblems(v, "changeNotificationCollection", { quirks }).join("\n");
  assert.equal(check(notification({})), "");
  assert.match(
    check(notification({}), []),
    /@odata.type #Microsoft.Graph.Message is not microsoft.graph.resourceData/,
  );
  assert.match(check(notification({}), ["capitalisedTypeNames"]), /is not microsoft.graph.resourceData/);
  assert.match(check(notification({ subjekt: "x" })), /no property 'subjekt' on microsoft.graph.message/);
  assert.match(
    check(notification({ "@odata.type": "#Microsoft.Graph.Mesage" })),
    /is not microsoft.graph.resourceData/,
  );
  // Casing alone: a capitalised user is a user only with the quirk, and never something else.
  const user = { "@odata.type": "#Microsoft.Graph.User", displayName: "x" };
  assert.match(conformanceProblems(user, "user").join(), /is not microsoft.graph.user/);
  assert.deepEqual(conformanceProblems(user, "user", { quirks: ["capitalisedTypeNames"] }), []);
  assert.match(
    conformanceProblems({ "@odata.type": "#Microsoft.Graph.Group" }, "user", { quirks: NOTIFICATION_QUIRKS })
      .join(),
    /is not microsoft.graph.user/,
  );
});

Deno.test(
  "every directory entity the emulator serves conforms to the v1.0 CSDL",
  withEmulator(async (h) => {
    const app = await appToken(h);
    const allUserProps = [
      "id,accountEnabled,ageGroup,assignedLicenses,assignedPlans,businessPhones,city,companyName,country,createdDateTime",
      "creationType,department,displayName,employeeId,externalUserState,externalUserStateChangeDateTime,givenName",
      "identities,imAddresses,jobTitle,mail,mailNickname,mobilePhone,officeLocation,otherMails,preferredLanguage",
      "proxyAddresses,showInAddressList,signInActivity,surname,usageLocation,userPrincipalName,userType,deviceEnrollmentLimit",
    ].join(",");
    const bodies: [string, string, boolean][] = [
      ["/users?$top=999", "user", true],
      [`/users?$top=999&$select=${allUserProps}`, "user", true],
      ["/organization", "organization", true],
    ];
    for (const [path, type, collection] of bodies) {
      const r = await graph(h, path, app);
      assert.equal(r.status, 200, path);
      const body = await r.json();
      if (collection) assertCollectionConforms(body, type);
      else assertConforms(body, type);
    }
    for (const u of (await tenantUsers(h)).slice(0, 30)) {
      const one = await graph(
        h,
        `/users/${u.id}?$select=${allUserProps},birthday,hireDate,skills,mailboxSettings`,
        app,
      );
      assertConforms(await one.json(), "user");
      if (u.mailbox) {
        assertConforms(
          await (await graph(h, `/users/${u.id}/mailboxSettings`, app)).json(),
          "mailboxSettings",
        );
      }
    }
    assertConforms(await (await graph(h, `/organization/${CONTOSO}`, app)).json(), "organization");
    const me = await userTokens(h, { scope: "openid profile User.Read MailboxSettings.Read" });
    assertConforms(await (await graph(h, "/me", me.access_token)).json(), "user");
    assertConforms(await (await graph(h, "/me/mailboxSettings", me.access_token)).json(), "mailboxSettings");
  }),
);
