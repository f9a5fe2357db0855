// When Microsoft fails mid-refresh the cache keeps what it had and says why: a 503 (Graph down) and
// a 403 (a permission withdrawn) leave the previous snapshot served with the sync status; a 429
// inside a $batch is retried on its own; refused credentials mark the organization and back it
// off without holding up the next one; a failed user list deletes no one; many readers of data
// never fetched cause one fetch. Faults are scoped to this file's own emulator app.
import assert from "node:assert/strict";
import { TENANT_IDS } from "../local/graph-emulator/defaults.ts";
import { storeCredentials } from "../supabase/functions/_shared/app-credentials.ts";
import { asService, sql as pool } from "../supabase/functions/_shared/db.ts";
import { refresh } from "../supabase/functions/_shared/posture/refresh.ts";
import { drainPosture } from "../supabase/functions/_shared/posture/worker.ts";
import { connect, emulator, uniqueKind } from "./support/stack.ts";
import {
  type App,
  POSTURE_PERMISSIONS,
  postureAccount,
  postureApp,
  postureOrganization,
  read,
  write,
} from "./support/posture.ts";

const sql = connect();
const ROLLBACK = new Error("rollback");

/** A fault for this file's app only, in one tenant; removed when `work` ends. */
async function withFault(app: App, rule: Record<string, unknown>, work: () => Promise<void>) {
  const fault = await emulator("faults", { body: { ...rule, clientId: app.clientId } });
  try {
    await work();
  } finally {
    await emulator(`faults/${fault.id}`, { method: "DELETE" }).catch(() => {});
  }
}

const graphRequestsOf = async (app: App) => (await emulator("counters")).graph.byApp[app.clientId] ?? 0;

Deno.test("posture: failures", async (t) => {
  const { accountId, session, orgs, app } = await postureAccount(sql, "posture-failures", [
    "fabrikam",
    "contoso",
  ]);
  try {
    await t.step("a 503 mid-refresh keeps the previous snapshot, and the status says why", async () => {
      const org = orgs.fabrikam;
      assert.equal((await write("mfa", session, org)).status, 200);
      const before = await read("mfa", session, org);
      await withFault(app, {
        path: "/identity/conditionalAccess/policies",
        tenantId: TENANT_IDS.fabrikam,
        status: 503,
        retryAfter: 0.1,
        count: 100,
      }, async () => {
        const failed = await write("mfa", session, org);
        assert.equal(failed.status, 502, JSON.stringify(failed.body));
        assert.ok(failed.headers.get("retry-after"), "Retry-After for the caller");
        assert.match(failed.body.error, /conditionalAccess\/policies.*503/);
      });
      const after = await read("mfa", session, org);
      assert.equal(after.status, 200);
      assert.deepEqual(after.body.data, before.body.data, "the previous snapshot, unchanged");
      assert.equal(after.body.fetched_at, before.body.fetched_at);
      assert.equal(after.body.sync.status, "error");
      assert.match(after.body.sync.error, /503/);
      assert.ok(after.body.sync.attempted_at > before.body.sync.attempted_at);
    });

    await t.step("a 403 mid-refresh (a permission withdrawn) keeps the previous snapshot too", async () => {
      const org = orgs.fabrikam;
      assert.equal((await write("secure-score", session, org)).status, 200);
      const before = await read("secure-score", session, org);
      const consent = `tenants/${TENANT_IDS.fabrikam}/consents/${app.clientId}`;
      await emulator(consent, {
        method: "PUT",
        body: { appRoles: POSTURE_PERMISSIONS.filter((p) => p !== "SecurityEvents.Read.All") },
      });
      try {
        // A worker that starts now gets a token without the withdrawn permission.
        const report = await refresh(org, ["secure-score"], Date.now() + 30_000);
        assert.equal(report.outcomes[0].status, "forbidden");
        assert.match(report.outcomes[0].error!, /secureScore.*403/);
      } finally {
        await emulator(consent, { method: "PUT", body: { appRoles: [...POSTURE_PERMISSIONS] } });
      }
      const after = await read("secure-score", session, org);
      assert.deepEqual(after.body.data, before.body.data);
      assert.equal(after.body.fetched_at, before.body.fetched_at);
      assert.equal(after.body.sync.status, "forbidden");
      assert.match(after.body.sync.error, /403/);
    });

    await t.step("a 429 inside the $batch is retried on its own, and the refresh succeeds", async () => {
      const org = orgs.contoso;
      await withFault(app, {
        path: "/subscribedSkus",
        tenantId: TENANT_IDS.contoso,
        status: 429,
        retryAfter: 0.3,
        count: 1,
      }, async () => {
        const before = await graphRequestsOf(app);
        const res = await write("licenses", session, org);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        // users + subscribedSkus in one batch, then subscribedSkus alone once more
        assert.equal(await graphRequestsOf(app) - before, 3);
        const { rules } = await emulator("faults");
        assert.ok(
          !rules.some((r: { clientId?: string }) => r.clientId === app.clientId),
          "the 429 was served",
        );
      });
      const res = await read("licenses", session, org);
      assert.equal(res.body.sync.status, "ok");
      assert.ok(res.body.data.licenseDetails.length > 0);
    });

    await t.step(
      "a failed user list deletes no one; a complete one drops who left, details included",
      async () => {
        const org = orgs.contoso;
        assert.equal((await write("user-details", session, org)).status, 200);
        const leaver = crypto.randomUUID();
        await sql`insert into public.m365_users (organization_id, user_id, account_id, position, status, mfa_enabled,
          user_principal_name, last_synced) values (${org.id}, ${leaver}, ${accountId}, 999, 'Active', false, 'gone@x.test', now())`;
        await sql`insert into public.m365_user_details (organization_id, user_id, account_id, licenses,
          authentication_methods, groups, last_updated) values (${org.id}, ${leaver}, ${accountId}, '{}', '{}', '{}', now())`;
        const count = async () =>
          (await sql`select count(*)::int as n from public.m365_users where organization_id = ${org.id}`)[0]
            .n;
        const before = await count();
        await withFault(app, {
          path: "/users",
          tenantId: TENANT_IDS.contoso,
          status: 503,
          retryAfter: 0.1,
          count: 100,
        }, async () => {
          assert.equal((await write("users", session, org)).status, 502);
        });
        assert.equal(await count(), before, "nothing deleted by a failed read");
        assert.equal((await write("users", session, org)).status, 200);
        assert.equal(await count(), before - 1, "the leaver is gone");
        const left = await sql`select 1 from public.m365_user_details where user_id = ${leaver}`;
        assert.equal(left.length, 0, "with their details");
        const details =
          await sql`select count(*)::int as n from public.m365_user_details where organization_id = ${org.id}`;
        assert.equal(details[0].n, before - 1, "everyone else's details stay");
      },
    );

    await t.step(
      "refused credentials mark the organization and back it off; the next one still refreshes",
      async () => {
        const bad = await postureOrganization(sql, accountId, "northwind", app, "not-the-secret-0000");
        const good = await postureOrganization(sql, accountId, "tailspin", app);
        const kind = uniqueKind("posture");
        for (const org of [bad, good]) {
          await sql`select private.enqueue_job(${kind}, null, ${
            sql.json({ organization_id: Number(org.id) })
          }, ${accountId})`;
        }
        const summary = await drainPosture("all", 60_000, kind);
        assert.equal(summary.done, 2, JSON.stringify(summary));
        const statuses = async (org: { id: string }) =>
          await sql`select dataset, status, error, failures, retry_after > now() + interval '23 hours' as backed_off
          from public.m365_sync_status where organization_id = ${org.id} order by dataset`;
        const refused = await statuses(bad);
        assert.equal(refused.length, 6);
        for (const row of refused) {
          assert.equal(row.status, "forbidden", row.dataset);
          assert.match(row.error, /refused/);
          assert.equal(row.failures, 1);
          assert.equal(row.backed_off, true);
        }
        const [credential] =
          await sql`select credential_status from public.m365_credentials where organization_id = ${bad.id}`;
        assert.equal(credential.credential_status, "invalid");
        for (const row of await statuses(good)) assert.match(row.status, /^(ok|unlicensed)$/, row.dataset);

        // The nightly fan-out, in a transaction rolled back: it queues for every organization.
        let scheduled: string[] = [];
        await sql.begin(async (tx) => {
          await tx`select private.schedule_posture_refresh()`;
          const jobs = await tx`select payload->>'organization_id' as org from private.jobs
          where kind = 'cache-write-all' and status = 'queued'
            and payload->>'organization_id' in (${bad.id}, ${good.id})`;
          scheduled = jobs.map((j) => j.org);
          throw ROLLBACK;
        }).catch((e) => {
          if (e !== ROLLBACK) throw e;
        });
        assert.deepEqual(scheduled, [good.id], "the nightly run skips the backed-off organization");

        await asService((tx) =>
          storeCredentials(tx, {
            account_id: accountId,
            organization_id: bad.id,
            tenant_id: TENANT_IDS.northwind,
            client_id: app.clientId,
            client_secret: app.clientSecret,
          })
        );
        const [{ backed_off }] = await sql`select private.posture_backed_off(${bad.id}) as backed_off`;
        assert.equal(backed_off, false, "new credentials end the backoff");
      },
    );

    await t.step("many readers of data never fetched cause one fetch", async () => {
      const cold = await postureApp("posture-failures-cold");
      const org = await postureOrganization(sql, accountId, "tailspin", cold);
      const before = await graphRequestsOf(cold);
      const answers = await Promise.all(Array.from({ length: 6 }, () => read("licenses", session, org)));
      for (const a of answers) assert.equal(a.status, 200, JSON.stringify(a.body));
      assert.equal(new Set(answers.map((a) => JSON.stringify(a.body.data))).size, 1);
      assert.equal(await graphRequestsOf(cold) - before, 2, "one refresh: users and subscribedSkus, once");
    });
  } finally {
    await sql.end();
    await pool().end();
  }
});
