// Every posture payload the emulator serves uses only properties its Graph type has in the v1.0
// CSDL (open types allow the extras real tenants send, named here), with compatible values.
import assert from "node:assert/strict";
import { assertCollectionConforms, assertConforms, type CheckOptions } from "./csdl.ts";
import { withEmulator } from "./harness.ts";
import { allPages, getJson, postureToken, summary } from "./posture-support.ts";

const EXTRAS: CheckOptions = {
  dynamic: {
    "microsoft.graph.controlScore": [
      "scoreInPercentage",
      "implementationStatus",
      "count",
      "total",
      "on",
      "lastSynced",
      "IsApplicable",
    ],
    "microsoft.graph.averageComparativeScore": [
      "seatSizeRangeLowerValue",
      "seatSizeRangeUpperValue",
      "identityScore",
      "dataScore",
      "deviceScore",
      "appsScore",
      "infrastructureScore",
    ],
  },
};

Deno.test(
  "licences, authentication, conditional access, groups and roles conform to the CSDL",
  withEmulator(async (h) => {
    await h.control("throttling", { enabled: false }, "PUT");
    const token = await postureToken(h, "contoso");
    const get = (path: string) => getJson(h, path, token);
    assertCollectionConforms(await get("/subscribedSkus"), "subscribedSku");
    assertCollectionConforms(await get("/directory/subscriptions"), "companySubscription");
    const world = await summary(h, "contoso");
    const types = new Set<string>();
    await Promise.all(world.users.map(async (u) => {
      const methods = await get(`/users/${u.id}/authentication/methods`);
      assertCollectionConforms(methods, "authenticationMethod");
      for (const m of methods.value as { "@odata.type": string }[]) types.add(m["@odata.type"]);
      assertCollectionConforms(await get(`/users/${u.id}/memberOf`), "directoryObject");
      assertCollectionConforms(await get(`/users/${u.id}/transitiveMemberOf`), "directoryObject");
    }));
    assert.equal(types.size, 8, `every method type is served: ${[...types]}`);
    assertCollectionConforms(
      await get("/reports/authenticationMethods/userRegistrationDetails?$top=999"),
      "userRegistrationDetails",
    );
    assertCollectionConforms(await get("/identity/conditionalAccess/policies"), "conditionalAccessPolicy");
    assertConforms(
      await get("/policies/identitySecurityDefaultsEnforcementPolicy"),
      "identitySecurityDefaultsEnforcementPolicy",
    );
    assertCollectionConforms(await get("/groups"), "group");
    for (const g of world.groups) {
      assertConforms(await get(`/groups/${g.id}`), "group");
      assertCollectionConforms(await get(`/groups/${g.id}/members`), "directoryObject");
      assertCollectionConforms(await get(`/groups/${g.id}/transitiveMembers`), "directoryObject");
    }
    assertCollectionConforms(await get("/roleManagement/directory/roleDefinitions"), "unifiedRoleDefinition");
    assertCollectionConforms(
      await get("/roleManagement/directory/roleAssignments?$expand=principal"),
      "unifiedRoleAssignment",
    );
    assertCollectionConforms(
      await get(
        "/users?$select=id,assignedLicenses,assignedPlans,licenseAssignmentStates,lastPasswordChangeDateTime",
      ),
      "user",
    );
    assertConforms(await get(`/organization/${world.tenantId}`), "organization");
  }),
);

Deno.test(
  "Secure Score, Intune, sign-ins, risky users and report settings conform to the CSDL",
  withEmulator(async (h) => {
    await h.control("throttling", { enabled: false }, "PUT");
    const token = await postureToken(h, "contoso");
    const get = (path: string) => getJson(h, path, token);
    assertCollectionConforms(await get("/security/secureScores"), "secureScore", EXTRAS);
    assertCollectionConforms(await get("/security/secureScoreControlProfiles"), "secureScoreControlProfile");
    assertCollectionConforms(await get("/deviceManagement/managedDevices"), "managedDevice");
    const policies = await get(
      "/deviceManagement/deviceCompliancePolicies?$expand=assignments&$orderby=displayName",
    );
    assertCollectionConforms(policies, "deviceCompliancePolicy");
    const names = (policies.value as { displayName: string }[]).map((p) => p.displayName);
    assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b)), "ordered, case-insensitively");
    for (const p of policies.value as { id: string }[]) {
      assertCollectionConforms(
        await get(`/deviceManagement/deviceCompliancePolicies/${p.id}/deviceStatuses`),
        "deviceComplianceDeviceStatus",
      );
    }
    const summaryBody = await get("/deviceManagement/deviceCompliancePolicyDeviceStateSummary");
    assert.equal(summaryBody.value, undefined, "a plain entity, not the docs' {value:{…}} wrapper");
    assertConforms(summaryBody, "deviceCompliancePolicyDeviceStateSummary");
    const signIns = await allPages(h, "/auditLogs/signIns", token);
    assertCollectionConforms({ value: signIns }, "signIn");
    assertCollectionConforms(await get("/identityProtection/riskyUsers"), "riskyUser");
    assertConforms(await get("/admin/reportSettings"), "adminReportSettings");
  }),
);
