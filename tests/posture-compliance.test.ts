// compliance through the gateway for every emulated tenant: write then read equals the live
// computation key for key, and every check's status follows from the emulator's world (devices,
// compliance policies, conditional access as Graph lists it, security defaults, Secure Score).
import assert from "node:assert/strict";
import { sql as pool } from "../supabase/functions/_shared/db.ts";
import { connect } from "./support/stack.ts";
import { graphGet, live, postureAccount, read, TENANTS, truth, write } from "./support/posture.ts";

const sql = connect();
const GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10";

interface Policy {
  displayName: string;
  state: string;
  conditions: { clientAppTypes: string[]; users: { includeUsers: string[]; includeRoles: string[] } };
  grantControls: { builtInControls: string[] } | null;
}

Deno.test("posture: compliance checks", async (t) => {
  const { session, orgs, app } = await postureAccount(sql, "posture-compliance");
  try {
    for (const tenant of TENANTS) {
      await t.step(
        `${tenant}: write then read equals the live computation and the world's facts`,
        async () => {
          assert.equal((await write("compliance", session, orgs[tenant])).status, 200);
          const res = await read("compliance", session, orgs[tenant]);
          assert.equal(res.status, 200, JSON.stringify(res.body));
          const { data, fetched_at } = res.body;
          assert.deepEqual(data, await live(orgs[tenant], "compliance", fetched_at), "cached = live");

          const world = await truth(tenant);
          const { value: policies } = await graphGet<{ value: Policy[] }>(
            app,
            tenant,
            "/identity/conditionalAccess/policies",
          );
          const { value: [score] } = await graphGet<{ value: { currentScore: number; maxScore: number }[] }>(
            app,
            tenant,
            "/security/secureScores?$top=1",
          );
          const alwaysMfa = new Set(
            world.conditionalAccess.filter((p) => p.requiresMfa === "always").map((p) => p.displayName),
          );
          const enforced = (keep: (p: Policy) => boolean) =>
            world.securityDefaults
              ? "Compliant"
              : policies.some((p) => p.state === "enabled" && keep(p))
              ? "Compliant"
              : policies.some((p) => p.state === "enabledForReportingButNotEnforced" && keep(p))
              ? "Partially Compliant"
              : "Not Compliant";
          const allUsers = (p: Policy) => p.conditions.users.includeUsers.includes("All");
          const devices = world.devices;
          const share = devices.total ? devices.compliantDeviceCount / devices.total * 100 : 0;
          const secure = score.currentScore / score.maxScore * 100;
          const expected: Record<string, string> = {
            "policy-deviceCompliancePolicies": world.licensing.intune ? "Compliant" : "Not Measured",
            "policy-deviceCompliance": !world.licensing.intune
              ? "Not Measured"
              : share === 100
              ? "Compliant"
              : share >= 80
              ? "Partially Compliant"
              : "Not Compliant",
            "policy-adminMfa": enforced((p) =>
              alwaysMfa.has(p.displayName) &&
              (allUsers(p) || p.conditions.users.includeRoles.includes(GLOBAL_ADMIN))
            ),
            "policy-legacyAuthentication": enforced((p) =>
              allUsers(p) && (p.grantControls?.builtInControls ?? []).includes("block") &&
              p.conditions.clientAppTypes.includes("exchangeActiveSync") &&
              p.conditions.clientAppTypes.includes("other")
            ),
            "policy-secureScore": secure >= 70
              ? "Compliant"
              : secure >= 40
              ? "Partially Compliant"
              : "Not Compliant",
          };
          const userMfa = enforced((p) => alwaysMfa.has(p.displayName) && allUsers(p));
          expected["policy-userMfa"] = userMfa === "Not Compliant" &&
              policies.some((p) => p.state === "enabled" && alwaysMfa.has(p.displayName))
            ? "Partially Compliant"
            : userMfa;

          const statuses = Object.fromEntries(
            data.policies.map((p: { id: string; status: string }) => [p.id, p.status]),
          );
          for (const [id, status] of Object.entries(expected)) {
            assert.equal(statuses[id], status, `${tenant} ${id}`);
          }
          assert.equal(data.policies.length, 9);
          assert.equal(data.compliance_summary.total_policies, 9);
          const count = (s: string) => data.policies.filter((p: { status: string }) => p.status === s).length;
          assert.deepEqual(data.compliance_summary.breakdown, {
            compliant: { count: count("Compliant"), label: "Compliant" },
            partially_compliant: { count: count("Partially Compliant"), label: "Partially" },
            non_compliant: { count: count("Not Compliant"), label: "Non-Compliant" },
            not_measured: { count: count("Not Measured"), label: "Not Measured" },
          });
          const measured = 9 - count("Not Measured");
          const scoreShare =
            Math.round((count("Compliant") * 100 + count("Partially Compliant") * 60) / measured * 10) / 10;
          assert.equal(data.compliance_summary.score_percentage, `${scoreShare}%`);
          assert.deepEqual(Object.keys(data.policies[0]), [
            "id",
            "name",
            "status",
            "description",
            "recommendation",
            "action",
          ]);
          for (const p of data.policies) assert.ok(p.description.length > 10, `${p.id} carries its evidence`);
        },
      );
    }

    await t.step(
      "the traps: report-only MFA for everyone is only partial; no Intune is Not Measured",
      async () => {
        const fabrikam = (await read("compliance", session, orgs.fabrikam)).body.data;
        const userMfa = fabrikam.policies.find((p: { id: string }) => p.id === "policy-userMfa");
        assert.equal(userMfa.status, "Partially Compliant");
        const northwind = (await read("compliance", session, orgs.northwind)).body.data;
        const devices = northwind.policies.find((p: { id: string }) => p.id === "policy-deviceCompliance");
        assert.equal(devices.status, "Not Measured");
        assert.match(devices.description, /no Intune licence/);
        assert.equal(devices.action.type, "investigate");
      },
    );
  } finally {
    await sql.end();
    await pool().end();
  }
});
