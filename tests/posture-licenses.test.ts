// licenses through the gateway for every emulated tenant: write then read equals the live
// computation key for key, and each SKU's figures and bucket are the emulator's (bucket by SKU
// GUID: O365_BUSINESS_PREMIUM is Business Standard; free and trial SKUs left out; overuse shown).
import assert from "node:assert/strict";
import { sql as pool } from "../supabase/functions/_shared/db.ts";
import { connect } from "./support/stack.ts";
import { live, postureAccount, read, TENANTS, truth, write } from "./support/posture.ts";

const sql = connect();

// Microsoft's product GUIDs of the Business plans; everything else the tenants hold is Others.
const BUCKETS: Record<string, string> = {
  "3b555118-da6a-4418-894f-7df1e2096870": "Basic", // O365_BUSINESS_ESSENTIALS
  "f245ecc8-75af-4f8e-b61f-27d8114de5f3": "Standard", // O365_BUSINESS_PREMIUM
  "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46": "Premium", // SPB
};

Deno.test("posture: licences", async (t) => {
  const { session, orgs } = await postureAccount(sql, "posture-licenses");
  try {
    for (const tenant of TENANTS) {
      await t.step(
        `${tenant}: write then read equals the live computation and the emulator's SKUs`,
        async () => {
          assert.equal((await write("licenses", session, orgs[tenant])).status, 200);
          const res = await read("licenses", session, orgs[tenant]);
          assert.equal(res.status, 200, JSON.stringify(res.body));
          const { data, fetched_at } = res.body;
          assert.deepEqual(data, await live(orgs[tenant], "licenses", fetched_at), "cached = live");

          const world = await truth(tenant);
          assert.deepEqual(Object.keys(data), ["totalUsers", "licenseDistribution", "licenseDetails"]);
          assert.equal(data.totalUsers, world.users.length);
          const paid = world.skus.filter((s) => !s.free);
          const expected = paid.map((s) => ({
            skuId: s.skuId,
            skuPartNumber: s.skuPartNumber,
            friendlyName: s.displayName,
            category: BUCKETS[s.skuId] ?? "Others",
            assigned: s.consumedUnits,
            available: String(s.prepaidUnits.enabled),
            unassigned: s.prepaidUnits.enabled - s.consumedUnits,
            utilization: Math.round(s.consumedUnits / s.prepaidUnits.enabled * 1000) / 10,
            overused: s.consumedUnits > s.prepaidUnits.enabled,
          })).sort((a, b) => b.assigned - a.assigned || a.friendlyName.localeCompare(b.friendlyName));
          assert.deepEqual(data.licenseDetails, expected);
          const inUse = (bucket: string) =>
            expected.filter((d) => d.category === bucket).reduce((n, d) => n + d.assigned, 0);
          assert.deepEqual(data.licenseDistribution, {
            Others: inUse("Others"),
            Standard: inUse("Standard"),
            Premium: inUse("Premium"),
            Basic: inUse("Basic"),
          });
        },
      );
    }

    await t.step("the part-number trap and overuse", async () => {
      const fabrikam = (await read("licenses", session, orgs.fabrikam)).body.data;
      const standard = fabrikam.licenseDetails.find((d: { skuPartNumber: string }) =>
        d.skuPartNumber === "O365_BUSINESS_PREMIUM"
      );
      assert.equal(standard.category, "Standard");
      assert.equal(standard.friendlyName, "Microsoft 365 Business Standard");
      assert.equal(fabrikam.licenseDistribution.Premium, 30, "only SPB is Business Premium");
      const contoso = (await read("licenses", session, orgs.contoso)).body.data;
      const ems = contoso.licenseDetails.find((d: { skuPartNumber: string }) => d.skuPartNumber === "EMS");
      assert.equal(ems.overused, true);
      assert.ok(ems.unassigned < 0 && ems.utilization > 100);
      assert.ok(
        !contoso.licenseDetails.some((d: { skuPartNumber: string }) =>
          ["FLOW_FREE", "POWER_BI_STANDARD"].includes(d.skuPartNumber)
        ),
        "free SKUs (POWER_BI_STANDARD is Fabric Free) are left out",
      );
    });
  } finally {
    await sql.end();
    await pool().end();
  }
});
