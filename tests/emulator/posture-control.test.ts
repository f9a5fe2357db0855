// The posture control API: every change shows in what Graph serves, and changes Microsoft refuses
// (security defaults beside enabled conditional access) are refused.
import assert from "node:assert/strict";
import { graph, type Harness, withEmulator } from "./harness.ts";
import { getJson, postureToken, summary } from "./posture-support.ts";

async function control(h: Harness, path: string, body: unknown, method: string): Promise<number> {
  const r = await h.fetch(`/_emulator/posture/${path}`, {
    method,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  await r.body?.cancel();
  return r.status;
}

Deno.test(
  "security defaults and enabled conditional access exclude each other",
  withEmulator(async (h) => {
    await h.control("throttling", { enabled: false }, "PUT");
    const token = await postureToken(h, "contoso");
    assert.equal(await control(h, "tenants/contoso/security-defaults", { isEnabled: true }, "PUT"), 409);
    const s = await summary(h, "contoso");
    for (const p of s.conditionalAccess.filter((x) => x.state === "enabled")) {
      assert.equal(
        await control(h, `tenants/contoso/conditional-access/${p.id}`, { state: "disabled" }, "PATCH"),
        200,
      );
    }
    assert.equal(await control(h, "tenants/contoso/security-defaults", { isEnabled: true }, "PUT"), 200);
    const defaults = await getJson(h, "/policies/identitySecurityDefaultsEnforcementPolicy", token);
    assert.equal(defaults.isEnabled, true);
    const first = s.conditionalAccess[0];
    assert.equal(
      await control(h, `tenants/contoso/conditional-access/${first.id}`, { state: "enabled" }, "PATCH"),
      409,
    );
    const enabled = await getJson<{ value: unknown[] }>(
      h,
      "/identity/conditionalAccess/policies?$filter=state eq 'enabled'",
      token,
    );
    assert.deepEqual(enabled.value, []);
  }),
);

Deno.test(
  "switching a report-only policy on covers everyone it targets",
  withEmulator(async (h) => {
    const token = await postureToken(h, "fabrikam");
    const policy = (await summary(h, "fabrikam")).conditionalAccess.find((p) =>
      p.displayName === "Require MFA for all users"
    )!;
    assert.equal(
      await control(
        h,
        `tenants/fabrikam/conditional-access/${policy.displayName}`,
        { state: "enabled" },
        "PATCH",
      ),
      200,
    );
    const served = await getJson(h, `/identity/conditionalAccess/policies/${policy.id}`, token);
    assert.equal(served.state, "enabled");
    const s = await summary(h, "fabrikam");
    const members = s.users.filter((u) =>
      u.kind === "member" && u.userPrincipalName !== "admin@fabrikam.onmicrosoft.com"
    );
    assert.ok(
      members.every((u) =>
        u.conditionalAccess.enforcedBy.includes(policy.id) && !u.conditionalAccess.reportOnlyBy.length
      ),
    );
  }),
);

Deno.test(
  "per-user MFA and registered methods: enabled becomes enforced once a method is registered",
  withEmulator(async (h) => {
    const token = await postureToken(h, "contoso");
    const s = await summary(h, "contoso");
    const user = s.users.find((u) =>
      u.kind === "member" && !u.isMfaRegistered && u.perUserMfaState === "disabled"
    )!;
    const requirements = async () =>
      (await (await h.fetch(`/beta/users/${user.id}/authentication/requirements`, {
        headers: { Authorization: `Bearer ${token}` },
      })).json()).perUserMfaState;
    assert.equal(await requirements(), "disabled");
    await h.control(`posture/tenants/contoso/users/${user.id}/mfa`, { perUserMfaState: "enabled" }, "PUT");
    assert.equal(await requirements(), "enabled", "nothing registered yet");
    await h.control(`posture/tenants/contoso/users/${user.id}/mfa`, {
      methods: ["microsoftAuthenticator", "fido2"],
    }, "PUT");
    assert.equal(await requirements(), "enforced");
    const methods = await getJson<{ value: { "@odata.type": string }[] }>(
      h,
      `/users/${user.id}/authentication/methods`,
      token,
    );
    assert.deepEqual(methods.value.map((m) => m["@odata.type"]), [
      "#microsoft.graph.passwordAuthenticationMethod",
      "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
      "#microsoft.graph.fido2AuthenticationMethod",
    ]);
    const details = await getJson(
      h,
      `/reports/authenticationMethods/userRegistrationDetails/${user.id}`,
      token,
    );
    assert.deepEqual(
      [details.isMfaRegistered, details.isPasswordlessCapable, details.methodsRegistered],
      [true, true, ["microsoftAuthenticatorPush", "passKeyDeviceBound"]],
    );
  }),
);

Deno.test(
  "device compliance changes reach the device, the policy's statuses and the tenant summary",
  withEmulator(async (h) => {
    const token = await postureToken(h, "contoso");
    const stateSummary = () =>
      getJson(h, "/deviceManagement/deviceCompliancePolicyDeviceStateSummary", token);
    const before = await stateSummary();
    const device = (await getJson<{ value: Record<string, string>[] }>(
      h,
      "/deviceManagement/managedDevices?$filter=complianceState eq 'compliant'&$top=1",
      token,
    )).value[0];
    await h.control(
      `posture/tenants/contoso/devices/${device.id}`,
      { complianceState: "noncompliant" },
      "PATCH",
    );
    const after = await stateSummary();
    assert.equal(after.compliantDeviceCount, (before.compliantDeviceCount as number) - 1);
    assert.equal(after.nonCompliantDeviceCount, (before.nonCompliantDeviceCount as number) + 1);
    const policies = await getJson<{ value: Record<string, string>[] }>(
      h,
      "/deviceManagement/deviceCompliancePolicies",
      token,
    );
    const platform = policies.value.find((p) =>
      p["@odata.type"].toLowerCase().includes(device.operatingSystem.toLowerCase().slice(0, 3))
    )!;
    const statuses = await getJson<{ value: Record<string, string>[] }>(
      h,
      `/deviceManagement/deviceCompliancePolicies/${platform.id}/deviceStatuses`,
      token,
    );
    assert.equal(
      statuses.value.find((s) => s.deviceDisplayName === device.deviceName)!.status,
      "nonCompliant",
    );
    const mine = await getJson<{ value: unknown[] }>(
      h,
      `/deviceManagement/managedDevices?$filter=userPrincipalName eq '${device.userPrincipalName}'`,
      token,
    );
    assert.ok(mine.value.length >= 1);
  }),
);

Deno.test(
  "a new Secure Score day reflects today's posture; an overused SKU shows consumed above enabled",
  withEmulator(async (h) => {
    const token = await postureToken(h, "northwind");
    const scores = () => getJson<{ value: Record<string, unknown>[] }>(h, "/security/secureScores", token);
    const registration = (day: Record<string, unknown>) =>
      (day.controlScores as { controlName: string; count: string }[]).find((c) =>
        c.controlName === "MFARegistrationV2"
      )!;
    const before = (await scores()).value[0];
    const s = await summary(h, "northwind");
    const user = s.users.find((u) => u.kind === "member" && u.accountEnabled && !u.isMfaRegistered)!;
    await h.control(`posture/tenants/northwind/users/${user.id}/mfa`, { methods: ["phone"] }, "PUT");
    await h.control("posture/tenants/northwind/secure-score/days", { days: 1 });
    const after = await scores();
    assert.equal(after.value.length, 91);
    assert.equal(
      Date.parse(String(after.value[0].createdDateTime)) - Date.parse(String(before.createdDateTime)),
      86_400_000,
    );
    assert.equal(Number(registration(after.value[0]).count), Number(registration(before).count) + 1);
    assert.equal(
      (await getJson<{ value: unknown[] }>(h, "/security/secureScores?$top=2&$skip=1", token)).value.length,
      2,
    );
    await h.control("posture/tenants/northwind/skus/O365_BUSINESS_PREMIUM/overuse", { by: 3 });
    const skus = await getJson<
      { value: { skuPartNumber: string; consumedUnits: number; prepaidUnits: { enabled: number } }[] }
    >(
      h,
      "/subscribedSkus",
      token,
    );
    const standard = skus.value.find((x) => x.skuPartNumber === "O365_BUSINESS_PREMIUM")!;
    assert.equal(standard.consumedUnits - standard.prepaidUnits.enabled, 3);
    const r = await graph(h, "/subscribedSkus?$select=skuId,consumedUnits", token);
    assert.deepEqual(Object.keys((await r.json()).value[0]), ["skuId", "consumedUnits"]);
  }),
);
