// Licence gates and permissions: what a tenant without Entra ID P1, Intune or P2 answers, how each
// workload words a missing permission, and the control API's licensing switch.
import assert from "node:assert/strict";
import { TENANT_IDS } from "../../local/graph-emulator/defaults.ts";
import { appToken, graph, type Harness, withEmulator } from "./harness.ts";
import { getJson, postureToken, type TenantKey } from "./posture-support.ts";

async function error(
  h: Harness,
  path: string,
  token: string,
): Promise<[number, { code: string; message: string }]> {
  const r = await graph(h, path, token);
  const body = await r.json();
  return [r.status, body.error];
}

const NON_PREMIUM: [number, { code: string; message: string }] = [403, {
  code: "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
  message: "Neither tenant is B2C or tenant doesn't have premium license",
}];

const pick = (
  [status, e]: [number, { code: string; message: string }],
) => [status, { code: e.code, message: e.message }];

Deno.test(
  "without Entra ID P1: registration details and sign-ins are refused; conditional access reads empty",
  withEmulator(async (h) => {
    for (const tenant of ["northwind", "tailspin"] as TenantKey[]) {
      const token = await postureToken(h, tenant);
      assert.deepEqual(
        pick(await error(h, "/reports/authenticationMethods/userRegistrationDetails", token)),
        NON_PREMIUM,
      );
      assert.deepEqual(pick(await error(h, "/auditLogs/signIns?$top=1", token)), NON_PREMIUM);
      const policies = await getJson(h, "/identity/conditionalAccess/policies", token);
      assert.deepEqual(policies.value, []);
      const defaults = await getJson(h, "/policies/identitySecurityDefaultsEnforcementPolicy", token);
      assert.equal(defaults.isEnabled, tenant === "tailspin");
      // Authentication methods need no premium licence: the fallback for these tenants.
      const world = await h.control<{ tenants: { id: string; users: { id: string; kind: string }[] }[] }>(
        "world",
      );
      const member = world.tenants.find((t) => t.id === TENANT_IDS[tenant])!.users.find((u) =>
        u.kind === "member"
      )!;
      assert.ok(
        (await getJson<{ value: unknown[] }>(h, `/users/${member.id}/authentication/methods`, token)).value
          .length,
      );
    }
  }),
);

Deno.test(
  "without Intune the device endpoints answer 400 'Request not applicable to target tenant.'; without P2, riskyUsers 403",
  withEmulator(async (h) => {
    const northwind = await postureToken(h, "northwind");
    for (
      const path of [
        "/deviceManagement/managedDevices",
        "/deviceManagement/deviceCompliancePolicies",
        "/deviceManagement/deviceCompliancePolicyDeviceStateSummary",
      ]
    ) {
      assert.deepEqual(pick(await error(h, path, northwind)), [400, {
        code: "BadRequest",
        message: "Request not applicable to target tenant.",
      }]);
    }
    const fabrikam = await postureToken(h, "fabrikam");
    assert.ok(
      (await getJson<{ value: unknown[] }>(h, "/deviceManagement/managedDevices", fabrikam)).value.length,
    );
    assert.deepEqual(pick(await error(h, "/identityProtection/riskyUsers", fabrikam)), [403, {
      code: "Forbidden",
      message: "Your tenant is not licensed for this feature.",
    }]);
    const contoso = await postureToken(h, "contoso");
    assert.ok(
      (await getJson<{ value: unknown[] }>(h, "/identityProtection/riskyUsers", contoso)).value.length,
    );
  }),
);

Deno.test(
  "a missing permission gets each workload's own 403, before any licence check",
  withEmulator(async (h) => {
    const app = await h.control<{ clientId: string; clientSecret: string }>("apps", {
      displayName: "Mail-only tool",
      permissions: { application: ["Mail.Read"] },
      adminConsent: "all",
    });
    const token = await appToken(h, TENANT_IDS.northwind, app.clientId, app.clientSecret);
    const user = (await h.control<{ tenants: { id: string; users: { id: string }[] }[] }>("world")).tenants
      .find((t) => t.id === TENANT_IDS.northwind)!.users[0].id;
    const cases: [string, string, string | RegExp][] = [
      [
        "/subscribedSkus",
        "Authorization_RequestDenied",
        "Insufficient privileges to complete the operation.",
      ],
      [
        "/identity/conditionalAccess/policies",
        "AccessDenied",
        "You cannot perform the requested operation, required scopes are missing in the token.",
      ],
      [
        "/identityProtection/riskyUsers",
        "Forbidden",
        "You cannot perform the requested operation, required scopes are missing in the token.",
      ],
      [
        "/reports/authenticationMethods/userRegistrationDetails",
        "Authentication_MSGraphPermissionMissing",
        "Calling principal does not have required MSGraph permissions AuditLog.Read.All",
      ],
      [`/users/${user}/authentication/methods`, "accessDenied", "Request Authorization failed"],
      [
        "/security/secureScores",
        "Forbidden",
        "Auth token does not contain valid permissions or user does not have valid roles.",
      ],
      ["/admin/reportSettings", "UnknownError", /S2SUnauthorized/],
      [
        "/deviceManagement/managedDevices",
        "Forbidden",
        /"_version": 3,\r\n {2}"Message": "Application is not authorized to perform this operation\. Application must have one of the following scopes: DeviceManagementManagedDevices\.Read\.All, DeviceManagementManagedDevices\.ReadWrite\.All - Operation ID/,
      ],
      ["/deviceManagement/deviceCompliancePolicies", "Forbidden", /DeviceManagementConfiguration\.Read\.All/],
    ];
    for (const [path, code, message] of cases) {
      const [status, e] = await error(h, path, token);
      assert.equal(status, 403, path);
      assert.equal(e.code, code, path);
      if (typeof message === "string") assert.equal(e.message, message, path);
      else assert.match(e.message, message, path);
    }
  }),
);

Deno.test(
  "the licensing switch suspends a tenant's P1 or Intune plans, and refuses plans the tenant never bought",
  withEmulator(async (h) => {
    const token = await postureToken(h, "contoso");
    await h.control(`posture/tenants/contoso/licensing`, { entraP1: false, intune: false }, "PUT");
    assert.deepEqual(
      pick(await error(h, "/reports/authenticationMethods/userRegistrationDetails", token)),
      NON_PREMIUM,
    );
    assert.equal(
      (await error(h, "/users?$select=id,signInActivity", token))[0],
      403,
      "signInActivity is P1 too",
    );
    assert.equal((await error(h, "/identityProtection/riskyUsers", token))[0], 403, "P2 went with P1");
    assert.equal((await error(h, "/deviceManagement/managedDevices", token))[0], 400);
    const skus = await getJson<
      { value: { skuPartNumber: string; servicePlans: Record<string, string>[] }[] }
    >(
      h,
      "/subscribedSkus",
      token,
    );
    const e3 = skus.value.find((s) => s.skuPartNumber === "SPE_E3")!;
    const status = (name: string) =>
      e3.servicePlans.find((p) => p.servicePlanName === name)!.provisioningStatus;
    assert.deepEqual([status("AAD_PREMIUM"), status("INTUNE_A"), status("EXCHANGE_S_ENTERPRISE")], [
      "Disabled",
      "Disabled",
      "Success",
    ]);
    await h.control(
      `posture/tenants/contoso/licensing`,
      { entraP1: true, entraP2: true, intune: true },
      "PUT",
    );
    assert.ok((await getJson(h, "/reports/authenticationMethods/userRegistrationDetails", token)).value);
    await h.control("clock", { seconds: 2 }); // Identity Protection allows one request per second.
    assert.ok((await getJson(h, "/identityProtection/riskyUsers", token)).value);
    const refused = await h.fetch("/_emulator/posture/tenants/northwind/licensing", {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ entraP1: true }),
    });
    assert.equal(refused.status, 409);
    await refused.body?.cancel();
  }),
);
