// mfa through the gateway for every emulated tenant: cache-write-mfa then cache-read-mfa answers the
// live computation key for key, and the figures are the emulator's own ground truth: enabled
// members covered by per-user MFA, security defaults, or an enabled always-MFA policy (nested groups
// and role templates resolved); report-only, disabled, conditional and "mfa OR compliantDevice"
// policies cover no one; a tenant without Entra ID P1 is `unlicensed` for registration data.
import assert from "node:assert/strict";
import { sql as pool } from "../supabase/functions/_shared/db.ts";
import { connect } from "./support/stack.ts";
import {
  live,
  percentOf,
  postureAccount,
  read,
  TENANTS,
  truth,
  type TruthUser,
  write,
} from "./support/posture.ts";

const sql = connect();
const WEEK_MS = 7 * 86_400_000;
const perUser = (u: TruthUser) => ["enabled", "enforced"].includes(u.perUserMfaState);

Deno.test("posture: MFA coverage", async (t) => {
  const { session, orgs } = await postureAccount(sql, "posture-mfa");
  try {
    for (const tenant of TENANTS) {
      await t.step(
        `${tenant}: write then read equals the live computation and the emulator's truth`,
        async () => {
          const written = await write("mfa", session, orgs[tenant]);
          assert.equal(written.status, 200, JSON.stringify(written.body));
          const res = await read("mfa", session, orgs[tenant]);
          assert.equal(res.status, 200, JSON.stringify(res.body));
          const { data, fetched_at, expires_at, stale, sync } = res.body;
          assert.deepEqual(data, await live(orgs[tenant], "mfa", fetched_at), "cached = live");

          const world = await truth(tenant);
          const people = world.users.filter((u) => u.kind === "member" && u.accountEnabled);
          const covered = people.filter((u) =>
            u.conditionalAccess.enforcedBy.length > 0 || perUser(u) || world.securityDefaults
          );
          assert.equal(data.length, 1, "the seeds wrap MFA in a one-element array");
          const [m] = data;
          assert.deepEqual(Object.keys(m), [
            "percentage",
            "status",
            "target",
            "total_users",
            "mfa_enabled",
            "mfa_disabled",
            "enabled_by_method",
            "recommendation",
            "details",
          ]);
          assert.deepEqual({ ...m, details: undefined, recommendation: undefined, status: undefined }, {
            percentage: percentOf(covered.length, people.length),
            target: "100%",
            total_users: people.length,
            mfa_enabled: covered.length,
            mfa_disabled: people.length - covered.length,
            enabled_by_method: {
              mfa_registered: people.filter((u) => u.isMfaRegistered).length,
              conditional_access: people.filter((u) => u.conditionalAccess.enforcedBy.length > 0).length,
              security_defaults: world.securityDefaults ? people.length : 0,
              per_user_mfa: people.filter(perUser).length,
            },
            details: undefined,
            recommendation: undefined,
            status: undefined,
          });
          assert.equal(
            m.status,
            covered.length === people.length
              ? "Compliant"
              : covered.length
              ? "Partially Compliant"
              : "Not Compliant",
          );
          assert.match(m.details.description, /enabled member accounts/);
          assert.equal(m.details.measurement_date, fetched_at);
          assert.equal(Date.parse(expires_at) - Date.parse(fetched_at), WEEK_MS, "a week's TTL");
          assert.equal(stale, false);
          assert.equal(sync.status, world.licensing.entraP1 ? "ok" : "unlicensed");
          if (!world.licensing.entraP1) assert.match(sync.error, /needs Entra ID P1/);
        },
      );
    }

    await t.step("the traps are in the data and are not counted", async () => {
      const fabrikam = await truth("fabrikam");
      const orGrant = fabrikam.conditionalAccess.find((p) => /compliant device/i.test(p.displayName))!;
      assert.equal(orGrant.state, "enabled");
      assert.equal(orGrant.requiresMfa, "none", "mfa OR compliantDevice is not MFA");
      const reportOnlyOnly = fabrikam.users.filter((u) =>
        u.kind === "member" && u.accountEnabled && u.conditionalAccess.reportOnlyBy.length &&
        !u.conditionalAccess.enforcedBy.length && !perUser(u)
      );
      assert.ok(reportOnlyOnly.length > 0, "people only a report-only policy would cover");
      const nested = fabrikam.users.filter((u) =>
        u.groups.includes("Sales") && u.conditionalAccess.enforcedBy.length && u.accountEnabled
      );
      assert.ok(nested.length > 0, "Sales is covered through the pilot group that nests it");
      const res = await read("mfa", session, orgs.fabrikam);
      assert.notEqual(res.body.data[0].percentage, "100%", "report-only and OR grants would make it 100%");

      const contoso = await truth("contoso");
      const conditionalOnly = contoso.users.filter((u) =>
        u.accountEnabled && u.kind === "member" && u.conditionalAccess.conditionalBy.length &&
        !u.conditionalAccess.enforcedBy.length && !perUser(u)
      );
      assert.ok(conditionalOnly.length > 0, "people only a risk-conditional policy covers");
      const northwind = await truth("northwind");
      assert.ok(
        northwind.users.some((u) => u.perUserMfaState === "enabled") &&
          northwind.users.some((u) => u.perUserMfaState === "enforced"),
        "per-user MFA both enabled (not registered yet) and enforced",
      );
    });
  } finally {
    await sql.end();
    await pool().end();
  }
});
