// The posture schedule end to end: pg_cron's nightly fan-out queues one cache-write-all per
// organization with credentials, spread over a window and de-duplicated; the worker, woken through
// pg_net and the gateway, refreshes every dataset; a stale read is served at once, marked stale,
// while its refresh is queued (once) and done by the dataset's worker.
import assert from "node:assert/strict";
import { sql as pool } from "../supabase/functions/_shared/db.ts";
import { connect, eventually } from "./support/stack.ts";
import { postureAccount, read } from "./support/posture.ts";

const sql = connect();
const ROLLBACK = new Error("rollback");
const DATASETS = ["compliance", "mfa", "licenses", "secure-score", "users", "user-details"];

Deno.test("posture: schedule", async (t) => {
  const { accountId, session, orgs } = await postureAccount(sql, "posture-schedule", [
    "contoso",
    "fabrikam",
    "tailspin",
  ]);
  const ids = Object.values(orgs).map((o) => o.id);
  try {
    await t.step("pg_cron runs the fan-out nightly", async () => {
      const [job] = await sql`select schedule, command from cron.job where jobname = 'refresh-posture'`;
      assert.equal(job.schedule, "0 2 * * *");
      assert.match(job.command, /private\.schedule_posture_refresh\(\)/);
    });

    await t.step(
      "the fan-out queues one job per organization with credentials, spread and de-duplicated",
      async () => {
        const [bare] = await sql`insert into public.organizations (account_id, organization_name)
        values (${accountId}, 'no credentials') returning id`;
        await sql.begin(async (tx) => {
          const [{ now }] = await tx`select now()`;
          await tx`select private.schedule_posture_refresh(interval '3 hours')`;
          await tx`select private.schedule_posture_refresh(interval '3 hours')`;
          const jobs = await tx`select dedup_key, run_after, payload, account_id from private.jobs
          where kind = 'cache-write-all' and status = 'queued' and account_id = ${accountId}`;
          assert.deepEqual(
            jobs.map((j) => j.dedup_key).sort(),
            ids.map((id) => `cache-write-all:${id}`).sort(),
          );
          for (const j of jobs) {
            assert.ok(
              j.run_after >= now && j.run_after <= new Date(now.getTime() + 3 * 3_600_000),
              "within the window",
            );
            assert.ok(ids.includes(String(j.payload.organization_id)));
          }
          assert.equal(
            new Set(jobs.map((j) => j.run_after.getTime())).size,
            jobs.length,
            "jittered, not all at once",
          );
          assert.ok(
            !jobs.some((j) => j.payload.organization_id === Number(bare.id)),
            "no credentials, no job",
          );
          throw ROLLBACK;
        }).catch((e) => {
          if (e !== ROLLBACK) throw e;
        });
      },
    );

    await t.step(
      "a due cache-write-all job is done by the worker pg_net wakes, every dataset refreshed",
      async () => {
        const org = orgs.fabrikam;
        await sql`select private.enqueue_posture_refresh(${org.id}, 'all')`;
        await sql`select private.wake_worker('cache-write-all')`;
        const job = await eventually("the cache-write-all job to finish", async () => {
          const [j] = await sql`select status, result, last_error from private.jobs
          where dedup_key = ${`cache-write-all:${org.id}`} and status in ('done', 'dead') order by id desc limit 1`;
          return j;
        }, 90_000);
        assert.equal(job.status, "done", job.last_error);
        assert.deepEqual(Object.keys(job.result.outcomes).sort(), [...DATASETS].sort());
        assert.ok(job.result.requests.envelopes >= 1);
        const statuses = await sql`select dataset, status, fetched_at from public.m365_sync_status
        where organization_id = ${org.id}`;
        assert.equal(statuses.length, 6);
        for (const s of statuses) {
          assert.equal(s.status, "ok", s.dataset);
          assert.ok(s.fetched_at);
        }
      },
    );

    await t.step(
      "a stale read is served at once while one refresh is queued, and the worker refreshes it",
      async () => {
        const org = orgs.tailspin;
        const first = await read("mfa", session, org);
        assert.equal(first.status, 200);
        await sql`update public.m365_sync_status set fetched_at = fetched_at - interval '8 days'
        where organization_id = ${org.id} and dataset = 'mfa'`;
        const [stale, again] = [await read("mfa", session, org), await read("mfa", session, org)];
        for (const res of [stale, again]) {
          assert.equal(res.status, 200);
          assert.equal(res.body.stale, true);
          assert.ok(Date.parse(res.body.expires_at) < Date.now());
          assert.deepEqual(res.body.data, first.body.data, "the old data, at once");
        }
        const jobs =
          await sql`select status from private.jobs where dedup_key = ${`cache-write-mfa:${org.id}`}`;
        assert.ok(
          jobs.length >= 1 && jobs.filter((j) => ["queued", "running"].includes(j.status)).length <= 1,
        );
        const fresh = await eventually("the refresh to land", async () => {
          const res = await read("mfa", session, org);
          return res.body.stale === false ? res : undefined;
        }, 60_000);
        assert.ok(Date.parse(fresh.body.fetched_at) > Date.parse(first.body.fetched_at));
      },
    );
  } finally {
    await sql.end();
    await pool().end();
  }
});
