// The posture world (licences, MFA, conditional access, devices, Secure Score, sign-ins, usage):
// deterministic from the seed, consistent with the directory and with itself.
import assert from "node:assert/strict";
import { CONTROL_PROFILES } from "../../local/graph-emulator/posture/catalogue/control-profiles.ts";
import { ROLE_DEFINITIONS } from "../../local/graph-emulator/posture/catalogue/directory-roles.ts";
import { PLANS_BY_SERVICE } from "../../local/graph-emulator/posture/catalogue/service-groups.ts";
import { POSTURE_PLANS } from "../../local/graph-emulator/posture/catalogue/tenant-plans.ts";
import { generatePosture } from "../../local/graph-emulator/posture/generate.ts";
import {
  concealedName,
  reportRows,
  REPORTS,
} from "../../local/graph-emulator/posture/reports/definitions.ts";
import { POSTURE, type PostureTenant } from "../../local/graph-emulator/posture/state.ts";
import { view } from "../../local/graph-emulator/posture/world/conditional-access.ts";
import { consumedUnits, prepaidUnits } from "../../local/graph-emulator/posture/world/licenses.ts";
import {
  isMfaRegistered,
  registrationDetails,
} from "../../local/graph-emulator/posture/world/registration.ts";
import { lastSignInRequestId } from "../../local/graph-emulator/posture/world/sign-ins.ts";
import { generateWorld } from "../../local/graph-emulator/world/generate.ts";
import type { Tenant, World } from "../../local/graph-emulator/world/types.ts";

const withPosture = (seed: number, size: "small" | "medium" = "small") =>
  generateWorld(seed, size, [{ name: "posture", generate: generatePosture }]);

function each(world: World, fn: (t: Tenant, p: PostureTenant) => void): void {
  for (const t of world.tenants) fn(t, POSTURE.get(world).tenants.get(t.id)!);
}

const WORLD = withPosture(1);

Deno.test("the posture world is a function of the seed, and another seed gives another one", () => {
  assert.deepStrictEqual(withPosture(5), withPosture(5));
  const ids = (w: World) => [...POSTURE.get(w).tenants.values()].flatMap((p) => p.devices.map((d) => d.id));
  assert.notDeepStrictEqual(ids(withPosture(5)), ids(withPosture(6)));
});

Deno.test("posture only adds licence and password facts to the directory's users", () => {
  const plain = generateWorld(1, "small");
  WORLD.tenants.forEach((t, i) => {
    const before = plain.tenants[i].users;
    assert.deepEqual(t.users.map((u) => u.id), before.map((u) => u.id));
    t.users.forEach((u, j) => {
      const {
        assignedLicenses,
        assignedPlans,
        licenseAssignmentStates,
        lastPasswordChangeDateTime,
        ...rest
      } = u.graph;
      const { assignedLicenses: none, ...restBefore } = before[j].graph;
      assert.deepEqual(none, []);
      assert.deepEqual(rest, restBefore);
      assert.equal(assignedLicenses.length > 0, u.licensed, u.graph.userPrincipalName);
      assert.ok(Array.isArray(assignedPlans) && Array.isArray(licenseAssignmentStates));
      assert.equal(lastPasswordChangeDateTime === undefined, u.kind === "guest");
    });
  });
});

Deno.test("consumedUnits count the users holding each SKU; every licensed user has one mailbox SKU", () => {
  each(WORLD, (t, p) => {
    const mailSkus = p.skus.filter((s) =>
      s.sku.plans.some((pl) => PLANS_BY_SERVICE.exchange.includes(pl.id))
    );
    for (const s of p.skus) {
      const holders = t.users.filter((u) => u.graph.assignedLicenses.some((a) => a.skuId === s.sku.skuId));
      assert.equal(consumedUnits(t, s.sku), holders.length);
      assert.ok(holders.every((u) => u.licensed), `${s.sku.skuPartNumber}: only licensed users`);
    }
    for (const u of t.users.filter((u) => u.licensed)) {
      const held = mailSkus.filter((s) => u.graph.assignedLicenses.some((a) => a.skuId === s.sku.skuId));
      assert.equal(held.length, 1, `${u.graph.userPrincipalName} holds one mailbox SKU`);
    }
    const known = new Set(p.skus.map((s) => s.sku.skuId));
    assert.ok(t.users.every((u) => u.graph.assignedLicenses.every((a) => known.has(a.skuId))));
    // The directory profile names the paid SKUs the tenant buys.
    assert.deepEqual(
      p.skus.filter((s) => !s.sku.free).map((s) => s.sku.skuPartNumber),
      t.profile.skuPartNumbers,
    );
    // The organization's plans are every plan of every SKU.
    const orgPlans = new Set(
      (t.organization.assignedPlans as { servicePlanId: string }[]).map((x) => x.servicePlanId),
    );
    assert.ok(p.skus.every((s) => s.sku.plans.every((pl) => orgPlans.has(pl.id))));
  });
});

Deno.test("licences include an overused SKU, units in warning and suspended states, and the part-number traps", () => {
  const byKey = Object.fromEntries(WORLD.tenants.map((t) => [t.profile.key, t]));
  const skus = (key: string) => POSTURE.get(WORLD).tenants.get(byKey[key].id)!.skus;
  const ems = skus("contoso").find((s) => s.sku.skuPartNumber === "EMS")!;
  assert.ok(consumedUnits(byKey.contoso, ems.sku) > prepaidUnits(ems).enabled, "EMS is overused");
  assert.ok(prepaidUnits(ems).warning > 0);
  assert.ok(skus("northwind").some((s) => prepaidUnits(s).suspended > 0));
  const standard = skus("fabrikam").find((s) => s.sku.skuPartNumber === "O365_BUSINESS_PREMIUM")!;
  assert.equal(standard.sku.skuId, "f245ecc8-75af-4f8e-b61f-27d8114de5f3");
  assert.equal(standard.sku.displayName, "Microsoft 365 Business Standard");
  assert.ok(skus("fabrikam").some((s) => s.sku.free && consumedUnits(byKey.fabrikam, s.sku) === 0));
  const p2 = [...POSTURE.get(WORLD).tenants.values()].filter((p) => p.entraP2).map((p) => p.key);
  assert.deepEqual(p2, ["contoso"]);
});

Deno.test("registration details follow the registered methods; per-user MFA is enforced only once registered", () => {
  each(WORLD, (t, p) => {
    for (const u of t.users) {
      const auth = p.auth.get(u.id)!;
      const details = registrationDetails(u, auth, p.ssprEnabled);
      assert.equal(details.isMfaRegistered, isMfaRegistered(auth));
      if (auth.perUserMfaState === "enforced") assert.ok(isMfaRegistered(auth), u.graph.userPrincipalName);
      if (auth.perUserMfaState === "enabled") assert.ok(!isMfaRegistered(auth), u.graph.userPrincipalName);
      if (u.kind === "guest") assert.deepEqual(auth.methods, []);
      else assert.equal(auth.methods[0]["@odata.type"], "#microsoft.graph.passwordAuthenticationMethod");
    }
    assert.equal(t.profile.features.securityDefaults, t.profile.key === "tailspin");
  });
  // The gap tenant registers far less than the security-defaults tenant.
  const share = (key: string) => {
    const t = WORLD.tenants.find((x) => x.profile.key === key)!;
    const p = POSTURE.get(WORLD).tenants.get(t.id)!;
    const people = t.users.filter((u) => u.kind === "member" && u.graph.accountEnabled);
    return people.filter((u) => isMfaRegistered(p.auth.get(u.id)!)).length / people.length;
  };
  assert.ok(share("northwind") < share("tailspin"));
});

Deno.test("conditional access names real users, groups and role templates, and never runs with security defaults", () => {
  const templates = new Set(ROLE_DEFINITIONS.map((r) => r.templateId));
  each(WORLD, (t, p) => {
    const groups = new Set(p.groups.map((g) => g.id));
    for (const policy of p.policies) {
      const u = view(policy).conditions.users;
      assert.ok([...u.includeGroups, ...u.excludeGroups].every((g) => groups.has(g)));
      assert.ok(u.excludeUsers.every((id) => t.usersById.has(id)));
      assert.ok(u.includeRoles.every((r) => templates.has(r)));
    }
    if (t.profile.features.securityDefaults) assert.ok(p.policies.every((x) => view(x).state !== "enabled"));
    for (const g of p.groups) {
      assert.ok(g.memberUserIds.every((id) => t.usersById.has(id)));
      assert.ok(g.memberGroupIds.every((id) => groups.has(id)));
    }
  });
});

Deno.test("managed devices belong to licensed, enabled people; Windows Hello names one of their PCs", () => {
  each(WORLD, (t, p) => {
    if (!t.profile.features.intune) assert.deepEqual(p.devices, []);
    for (const d of p.devices) {
      const user = t.usersById.get(String(d.userId))!;
      assert.ok(user && user.licensed && user.graph.accountEnabled);
      assert.equal(d.userPrincipalName, user.graph.userPrincipalName);
    }
    for (const [id, auth] of p.auth) {
      const hello = auth.methods.find((m) => m["@odata.type"].includes("windowsHelloForBusiness"));
      const pcs = p.devices.filter((d) => d.userId === id && d.operatingSystem === "Windows").map((d) =>
        d.deviceName
      );
      if (hello && pcs.length) assert.ok(pcs.includes(hello.displayName), String(hello.displayName));
    }
    assert.ok(!t.profile.features.intune || p.devices.some((d) => d.complianceState === "noncompliant"));
  });
});

Deno.test("Secure Score: 90 daily snapshots, newest first, scoring only the profiles' live controls", () => {
  const ids = new Set(CONTROL_PROFILES.filter((c) => !c.deprecated).map((c) => c.id));
  each(WORLD, (_t, p) => {
    assert.equal(p.secureScores.length, 90);
    p.secureScores.forEach((day, i) => {
      if (i > 0) assert.equal(p.secureScores[i - 1].createdDateTime - day.createdDateTime, 86_400_000);
      assert.ok(day.controls.every((c) => ids.has(c.controlName) && c.share >= 0 && c.share <= 1));
    });
  });
  // MFA registration is scored from the registrations themselves.
  each(WORLD, (t, p) => {
    const c = p.secureScores[0].controls.find((x) => x.controlName === "MFARegistrationV2")!;
    const people = t.users.filter((u) => u.kind === "member" && u.graph.accountEnabled);
    assert.equal(c.total, people.length);
    assert.equal(c.count, people.filter((u) => isMfaRegistered(p.auth.get(u.id)!)).length);
  });
});

Deno.test("each user's newest sign-in is the directory's lastSignIn, with signInActivity's request id", () => {
  each(WORLD, (t, p) => {
    for (const u of t.users) {
      const mine = p.signIns.filter((s) => s.userId === u.id);
      if (!mine.length) continue;
      assert.equal(mine[0].createdDateTime, new Date(u.lastSignIn!).toISOString().replace(".000Z", "Z"));
      assert.equal(mine[0].id, lastSignInRequestId(u));
    }
    const times = p.signIns.map((s) => String(s.createdDateTime));
    assert.deepEqual(times, [...times].sort().reverse());
  });
});

Deno.test("usage reports have a row per user with the service, concealed where the tenant conceals names", () => {
  each(WORLD, (t, p) => {
    const mailbox = reportRows(REPORTS[0], t, p, 30, WORLD.epoch);
    const holders = t.users.filter((u) => u.mailbox !== null);
    assert.equal(mailbox.rows.length, holders.length);
    const upns = mailbox.rows.map((r) => r[1]);
    const expected = holders.map((u) =>
      p.concealedNames ? concealedName(t.id, u.id) : u.graph.userPrincipalName
    );
    assert.deepEqual(upns, expected);
    assert.equal(POSTURE_PLANS[t.profile.key].concealedNames, p.concealedNames);
  });
});
