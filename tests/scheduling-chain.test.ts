// The scheduling chain, end to end on the running stack: a pg_cron job's command queues a
// net.http_post (pg_net shim), the gateway's drainer sends it with the secret key from Vault, the
// `health` worker claims the job and records it, and the answer lands in net._http_response.
// The cron command is run directly so the test does not wait for the next minute.
import assert from "node:assert/strict";
import { connect, eventually } from "./support/stack.ts";

const sql = connect();

async function runCronJob(name: string): Promise<unknown> {
  const [job] = await sql<{ command: string }[]>`select command from cron.job where jobname = ${name}`;
  assert.ok(job, `cron job ${name} is scheduled`);
  const [row] = await sql.unsafe(job.command);
  return Object.values(row)[0];
}

async function responseTo(requestId: unknown) {
  return await eventually(`pg_net response ${requestId}`, async () => {
    const [response] = await sql<{ status_code: number; content: string }[]>`
      select status_code, content from net._http_response where id = ${requestId as number}`;
    return response;
  });
}

Deno.test("scheduling chain", async (t) => {
  try {
    await t.step("the platform schedules exist in pg_cron", async () => {
      const jobs = await sql<{ jobname: string; schedule: string }[]>`
        select jobname, schedule from cron.job
        where jobname in ('health-check', 'purge-finished-jobs', 'wake-due-workers') order by jobname`;
      assert.deepEqual(jobs.map((j) => [j.jobname, j.schedule]), [
        ["health-check", "* * * * *"],
        ["purge-finished-jobs", "17 3 * * *"],
        ["wake-due-workers", "* * * * *"],
      ]);
    });

    await t.step("health-check: cron -> pg_net -> gateway -> health worker -> job done", async () => {
      const started = new Date();
      const requestId = await runCronJob("health-check");
      const response = await responseTo(requestId);
      assert.equal(response.status_code, 200, "the worker accepted the secret key taken from Vault");
      const envelope = JSON.parse(response.content);
      assert.equal(envelope.status_code, 200);
      assert.equal(envelope.error, null);

      // The job may have been taken by this request or by a cron tick racing it: either way it ends done.
      const done = await eventually("the health job to finish", async () => {
        const [job] = await sql<{ status: string; result: { database: string; queue: unknown } }[]>`
      select status, result from private.jobs
      where kind = 'health' and status = 'done' and finished_at >= ${started}
      order by finished_at desc limit 1`;
        return job;
      });
      assert.equal(done.result.database, "ok");
      assert.equal(typeof done.result.queue, "object");
      const [{ live }] = await sql`
    select count(*)::int as live from private.jobs where kind = 'health' and status in ('queued', 'running')
      and created_at < ${started}`;
      assert.equal(live, 0, "no health job from before the test is left behind");
    });

    await t.step("wake-due-workers: a due job with no wake-up of its own is picked up", async () => {
      // e.g. a retry whose backoff just ended: nobody called the worker for it.
      const [{ id }] =
        await sql`select private.enqueue_job('health', run_after => now() - interval '1 second') as id`;
      await runCronJob("wake-due-workers");
      const status = await eventually("the woken worker to run it", async () => {
        const [job] = await sql<{ status: string }[]>`select status from private.jobs where id = ${id}`;
        return job.status === "done" ? job.status : undefined;
      });
      assert.equal(status, "done");
    });

    await t.step(
      "without the Vault secrets the schedule fails loudly instead of losing wake-ups",
      async () => {
        await sql.begin(async (tx) => {
          await tx`delete from vault.secrets where name = 'project_secret_key'`;
          await assert.rejects(
            tx`select private.wake_worker('health')`,
            /Vault secrets project_url and project_secret_key must be set/,
          );
          throw new Error("rollback");
        }).catch((e) => assert.equal(e.message, "rollback"));
        const [{ n }] =
          await sql`select count(*)::int as n from vault.secrets where name = 'project_secret_key'`;
        assert.equal(n, 1, "the secret is still there (the test rolled back)");
      },
    );
  } finally {
    await sql.end();
  }
});
