// Who conditional access really forces to use MFA, and the traps an MFA report meets: the control
// API's ground truth is checked against an evaluation written here from Graph's own answers
// (policies, transitive group members, role assignments), then the traps one by one.
import assert from "node:assert/strict";
import { withEmulator } from "./harness.ts";
import { allPages, getJson, postureToken, summary, type TenantKey } from "./posture-support.ts";

interface Policy {
  id: string;
  displayName: string;
  state: string;
  conditions: {
    clientAppTypes: string[];
    signInRiskLevels: string[];
    userRiskLevels: string[];
    locations: unknown;
    applications: { includeApplications: string[] };
    users: Record<
      "includeUsers" | "excludeUsers" | "includeGroups" | "excludeGroups" | "includeRoles" | "excludeRoles",
      string[]
    >;
  };
  grantControls: {
    operator: string;
    builtInControls: string[];
    authenticationStrength: { requirementsSatisfied: string } | null;
  };
}

/** Enabled policies that demand MFA on every sign-in: only MFA (alone or AND-ed) or an
 * authentication strength, all apps, all clients, no risk or location condition. */
const alwaysMfa = (p: Policy) =>
  p.state === "enabled" &&
  (p.grantControls.authenticationStrength?.requirementsSatisfied === "mfa" ||
    (p.grantControls.builtInControls.includes("mfa") &&
      (p.grantControls.operator === "AND" || p.grantControls.builtInControls.length === 1))) &&
  p.conditions.applications.includeApplications.includes("All") &&
  p.conditions.clientAppTypes.includes("all") &&
  !p.conditions.signInRiskLevels.length && !p.conditions.userRiskLevels.length &&
  p.conditions.locations === null;

async function expectedCoverage(h: Parameters<typeof summary>[0], tenant: TenantKey) {
  const token = await postureToken(h, tenant);
  const policies =
    (await getJson<{ value: Policy[] }>(h, "/identity/conditionalAccess/policies", token)).value;
  const assignments = await allPages<{ principalId: string; roleDefinitionId: string }>(
    h,
    "/roleManagement/directory/roleAssignments",
    token,
  );
  const users = await allPages<{ id: string }>(h, "/users?$select=id", token);
  const members = new Map<string, Set<string>>();
  for (const p of policies) {
    for (const g of [...p.conditions.users.includeGroups, ...p.conditions.users.excludeGroups]) {
      const all = await allPages<{ id: string }>(h, `/groups/${g}/transitiveMembers?$select=id`, token);
      members.set(g, new Set(all.map((m) => m.id)));
    }
  }
  const roles = (id: string) =>
    assignments.filter((a) => a.principalId === id).map((a) => a.roleDefinitionId);
  const targets = (p: Policy, id: string) => {
    const u = p.conditions.users;
    const inGroups = (groups: string[]) => groups.some((g) => members.get(g)!.has(id));
    const included = u.includeUsers.includes("All") || u.includeUsers.includes(id) ||
      inGroups(u.includeGroups) ||
      u.includeRoles.some((r) => roles(id).includes(r));
    const excluded = u.excludeUsers.includes(id) || inGroups(u.excludeGroups) ||
      u.excludeRoles.some((r) => roles(id).includes(r));
    return included && !excluded;
  };
  return new Map(
    users.map((u) => [u.id, policies.filter((p) => alwaysMfa(p) && targets(p, u.id)).map((p) => p.id)]),
  );
}

Deno.test(
  "the ground truth agrees with an evaluation of Graph's policies, group members and role assignments",
  withEmulator(async (h) => {
    await h.control("throttling", { enabled: false }, "PUT");
    for (const tenant of ["contoso", "fabrikam"] as TenantKey[]) {
      const expected = await expectedCoverage(h, tenant);
      const truth = await summary(h, tenant);
      for (const u of truth.users) {
        assert.deepEqual(
          u.conditionalAccess.enforcedBy.sort(),
          expected.get(u.id)!.sort(),
          u.userPrincipalName,
        );
      }
    }
  }),
);

Deno.test(
  "contoso: MFA for everyone but the break-glass account and the exclusion group, who are only risk-covered",
  withEmulator(async (h) => {
    const s = await summary(h, "contoso");
    const policy = (name: string) => s.conditionalAccess.find((p) => p.displayName.startsWith(name))!;
    const [admins, all, azure, , strong, guests, risky] = [
      "CA001",
      "CA002",
      "CA003",
      "CA004",
      "CA005",
      "CA006",
      "CA007",
    ]
      .map(policy);
    assert.deepEqual([azure.state, guests.state], ["enabledForReportingButNotEnforced", "disabled"]);
    assert.equal(risky.requiresMfa, "conditional");
    const breakGlass = s.users[0];
    assert.equal(breakGlass.userPrincipalName, "admin@contoso.onmicrosoft.com");
    assert.deepEqual(breakGlass.conditionalAccess, { enforcedBy: [], conditionalBy: [], reportOnlyBy: [] });
    assert.ok(breakGlass.methodsRegistered.includes("passKeyDeviceBound"));
    const excluded = s.groups.find((g) => g.key === "mfaExclusions")!.memberUserIds;
    assert.equal(excluded.length, 2);
    for (const u of s.users.filter((x) => x.kind !== "shared" && x.kind !== "room" && x !== breakGlass)) {
      const ca = u.conditionalAccess;
      if (excluded.includes(u.id)) {
        assert.deepEqual([ca.enforcedBy, ca.conditionalBy], [[], [risky.id]], u.userPrincipalName);
      } else {
        assert.ok(ca.enforcedBy.includes(all.id), u.userPrincipalName);
      }
      assert.equal(ca.enforcedBy.includes(strong.id), u.isAdmin, "privileged access = the admins");
      assert.ok(!ca.enforcedBy.includes(guests.id));
    }
    assert.ok(s.users.some((u) => u.conditionalAccess.enforcedBy.includes(admins.id)));
  }),
);

Deno.test(
  "fabrikam: report-only all-users MFA, an OR grant that is not MFA, a nested pilot group, phishing-resistant Finance",
  withEmulator(async (h) => {
    const s = await summary(h, "fabrikam");
    const byName = (name: string) => s.conditionalAccess.find((p) => p.displayName === name)!;
    const orGrant = byName("Require MFA or a compliant device");
    assert.deepEqual([orGrant.state, orGrant.requiresMfa], ["enabled", "none"]);
    const reportOnly = byName("Require MFA for all users");
    const pilot = byName("MFA roll-out: pilot group");
    const finance = byName("Phishing-resistant MFA for Finance");
    const pilotGroup = s.groups.find((g) => g.key === "mfaPilot")!;
    const sales = s.groups.find((g) => g.key === "dept:Sales")!;
    assert.deepEqual(pilotGroup.memberGroupIds, [sales.id], "Sales sits inside the pilot group");
    for (const id of sales.memberUserIds) {
      const u = s.users.find((x) => x.id === id)!;
      assert.ok(!pilotGroup.memberUserIds.includes(id), "not a direct member");
      assert.ok(u.conditionalAccess.enforcedBy.includes(pilot.id), `${u.userPrincipalName} via nesting`);
    }
    const financeIds = s.groups.find((g) => g.key === "dept:Finance")!.memberUserIds;
    for (const u of s.users) {
      assert.ok(!JSON.stringify(u.conditionalAccess).includes(orGrant.id), "an OR grant is not MFA");
      assert.equal(u.conditionalAccess.enforcedBy.includes(finance.id), financeIds.includes(u.id));
      if (u.kind === "member" && u.userPrincipalName !== "admin@fabrikam.onmicrosoft.com") {
        assert.deepEqual(u.conditionalAccess.reportOnlyBy, [reportOnly.id]);
      }
    }
    const uncovered = s.users.filter((u) =>
      u.kind === "member" && u.accountEnabled && !u.conditionalAccess.enforcedBy.length
    );
    assert.ok(uncovered.length > 0, "most of Fabrikam has no MFA requirement at all");
  }),
);
