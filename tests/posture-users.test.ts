// users and user-details through the gateway for every emulated tenant: write then read equals the
// live computation key for key; the list is the directory (everyone, by name, with MFA
// registration from the emulator's truth); each person's details have their groups (nesting
// resolved), devices, methods, licences, risk and usage as the emulator's world has them; tenants
// that conceal report names get zeros and a warning rather than wrong joins.
import assert from "node:assert/strict";
import { sql as pool } from "../supabase/functions/_shared/db.ts";
import { connect, emulatedUsers } from "./support/stack.ts";
import {
  graphGet,
  graphText,
  live,
  liveDetails,
  postureAccount,
  read,
  TENANTS,
  truth,
  write,
} from "./support/posture.ts";

const sql = connect();

interface GraphUser {
  id: string;
  displayName: string;
  mail: string | null;
  userPrincipalName: string;
  department: string | null;
  jobTitle: string | null;
  assignedLicenses: { skuId: string }[];
  lastPasswordChangeDateTime: string | null;
}

const byName = (a: string, b: string) => a.localeCompare(b, "en");

Deno.test("posture: users and user details", async (t) => {
  const { session, orgs, app } = await postureAccount(sql, "posture-users");
  try {
    for (const tenant of TENANTS) {
      await t.step(`${tenant}: the user list`, async () => {
        assert.equal((await write("users", session, orgs[tenant])).status, 200);
        const res = await read("users", session, orgs[tenant]);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        const { data, fetched_at } = res.body;
        assert.deepEqual(data, await live(orgs[tenant], "users", fetched_at), "cached = live");

        const world = await truth(tenant);
        const directory = await emulatedUsers(tenant);
        const { value: graph } = await graphGet<{ value: GraphUser[] }>(
          app,
          tenant,
          "/users?$select=id,displayName,mail,userPrincipalName,department,jobTitle&$top=999",
        );
        assert.deepEqual(Object.keys(data), ["users"]);
        assert.equal(data.users.length, directory.length, "everyone: members, guests, disabled accounts");
        assert.deepEqual(
          data.users.map((u: { Name: string }) => u.Name),
          graph.map((u) => u.displayName).sort(byName),
          "by display name",
        );
        for (const u of data.users) {
          const g = graph.find((x) => x.id === u.UserId)!;
          const w = world.users.find((x) => x.id === u.UserId)!;
          assert.deepEqual(u, {
            UserId: g.id,
            Name: g.displayName,
            Email: g.mail ?? g.userPrincipalName,
            Department: g.department,
            Role: g.jobTitle,
            Status: w.accountEnabled ? "Active" : "Disabled",
            MFA: w.isMfaRegistered,
          });
        }
      });

      await t.step(`${tenant}: every person's details`, async () => {
        const written = await write("user-details", session, orgs[tenant]);
        assert.equal(written.status, 200, JSON.stringify(written.body));
        const world = await truth(tenant);
        const { value: graph } = await graphGet<{ value: GraphUser[] }>(
          app,
          tenant,
          "/users?$select=id,assignedLicenses,lastPasswordChangeDateTime&$top=999",
        );
        const risky = world.licensing.entraP2
          ? (await graphGet<{ value: { id: string; riskLevel: string }[] }>(
            app,
            tenant,
            "/identityProtection/riskyUsers",
          ))
            .value
          : null;
        const skuNames = new Map(world.skus.map((s) => [s.skuId, s.displayName]));
        let computed: Awaited<ReturnType<typeof liveDetails>> | undefined;
        for (const w of world.users) {
          const res = await read("user-details", session, orgs[tenant], { userId: w.id });
          assert.equal(res.status, 200, JSON.stringify(res.body));
          const { data, fetched_at, sync } = res.body;
          computed ??= await liveDetails(orgs[tenant], fetched_at);
          assert.deepEqual(data, computed(w.id), "cached = live");
          assert.deepEqual(Object.keys(data), [
            "UserId",
            "Name",
            "Email",
            "Department",
            "Role",
            "Status",
            "MFA",
            "last_sign_in",
            "mfa_methods",
            "licenses",
            "mailbox",
            "one_drive",
            "activity",
            "security",
            "groups",
            "devices",
          ]);
          const g = graph.find((x) => x.id === w.id)!;
          assert.deepEqual(data.groups, [...w.groups].sort(byName), "groups, nesting resolved");
          assert.equal(data.devices.total_devices, w.devices);
          assert.equal(data.devices.device_list.length, w.devices);
          assert.deepEqual([...data.mfa_methods].sort(), [...w.methodsRegistered].sort());
          assert.equal(data.MFA, w.isMfaRegistered);
          assert.deepEqual(data.licenses, g.assignedLicenses.map((l) => skuNames.get(l.skuId)!).sort(byName));
          assert.equal(
            data.security.last_password_change,
            g.lastPasswordChangeDateTime
              ? new Date(g.lastPasswordChangeDateTime).toISOString()
              : "Not Available",
          );
          assert.equal(
            data.security.risk_level,
            risky ? risky.find((r) => r.id === w.id)?.riskLevel ?? "none" : "Not Available",
          );
          if (!world.licensing.entraP1) assert.equal(data.last_sign_in, "Not Available");
          // The emulator's sign-in logs end at its world epoch, months before its clock: none fall
          // in the last 30 days.
          assert.equal(data.security.sign_in_attempts_last_30_days, 0);
          if (world.reportSettings.displayConcealedNames) {
            assert.deepEqual(data.mailbox, {
              size_in_mb: 0,
              quota_in_mb: 0,
              usage_percentage: 0,
              items_count: 0,
              archived_items_count: 0,
            });
            assert.match(sync.warnings.join(" "), /conceal/);
          } else {
            assert.deepEqual(sync.warnings, []);
          }
        }
      });
    }

    await t.step("contoso: mailbox usage is the report's row for the person", async () => {
      const csv = await graphText(app, "contoso", "/reports/getMailboxUsageDetail(period='D30')");
      const [header, ...lines] = csv.replace(/^\uFEFF/, "").trim().split(/\r\n/).map((l) => l.split(","));
      const column = (name: string) => header.indexOf(name);
      const users = (await read("users", session, orgs.contoso)).body.data.users;
      let checked = 0;
      for (const line of lines.slice(0, 10)) {
        const upn = line[column("User Principal Name")].toLowerCase();
        const person = (await truth("contoso")).users.find((u) => u.userPrincipalName.toLowerCase() === upn)!;
        const res = await read("user-details", session, orgs.contoso, { userId: person.id });
        const used = Number(line[column("Storage Used (Byte)")]) / 1024 / 1024;
        const quota = Number(line[column("Prohibit Send/Receive Quota (Byte)")]) / 1024 / 1024;
        assert.equal(res.body.data.mailbox.size_in_mb, Math.round(used * 100) / 100);
        assert.equal(res.body.data.mailbox.quota_in_mb, Math.round(quota * 100) / 100);
        assert.equal(res.body.data.mailbox.items_count, Number(line[column("Item Count")]));
        checked++;
      }
      assert.ok(checked > 0 && users.length > 0);
    });

    await t.step("an unknown user of a fetched organization is a 404; a bad userId a 400", async () => {
      const missing = await read("user-details", session, orgs.contoso, { userId: crypto.randomUUID() });
      assert.equal(missing.status, 404);
      assert.match(missing.body.error, /no such user/);
      assert.equal((await read("user-details", session, orgs.contoso, { userId: "me" })).status, 400);
    });
  } finally {
    await sql.end();
    await pool().end();
  }
});
