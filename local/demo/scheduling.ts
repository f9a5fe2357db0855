// LOCAL ONLY. Demo chapter: pg_cron -> pg_net -> gateway -> worker -> job queue.
import type postgres from "postgres";
import { outcome, show, title, waitFor } from "./narrate.ts";

export async function schedulingChapter(sql: postgres.Sql, options: { waitForCron: boolean }) {
  title("Schedules in pg_cron (each only enqueues work and wakes a worker)");
  const jobs = await sql<{ jobname: string; schedule: string; command: string }[]>`
    select jobname, schedule, command from cron.job order by jobname`;
  for (const j of jobs) show(`${j.jobname.padEnd(22)} ${j.schedule.padEnd(12)} ${j.command}`);

  title("Running the health-check schedule now, as pg_cron does every minute");
  const started = new Date();
  const [{ request_id }] = await sql`select private.schedule_health_check() as request_id`;
  show(`enqueued a 'health' job and called net.http_post -> request ${request_id}`);
  const response = await waitFor(async () => {
    const [r] = await sql<{ status_code: number; content: string }[]>`
      select status_code, content from net._http_response where id = ${request_id}`;
    return r;
  }, 20_000);
  show(`gateway -> health worker answered ${response?.status_code}: ${response?.content}`);
  const job = await waitFor(async () => {
    const [j] = await sql<{ id: string; status: string; attempts: number }[]>`
      select id, status, attempts from private.jobs where kind = 'health' and status = 'done'
        and finished_at >= ${started} limit 1`;
    return j;
  }, 20_000);
  outcome("scheduling chain (triggered)", job?.status === "done", job ? `job ${job.id}` : "no job finished");

  if (!options.waitForCron) return;
  title("Waiting for pg_cron's own next run (at most a minute)");
  const tick = await waitFor(async () => {
    const [run] = await sql<{ status: string; start_time: Date }[]>`
      select d.status, d.start_time from cron.job_run_details d join cron.job j using (jobid)
      where j.jobname = 'health-check' and d.start_time > ${started} order by d.start_time desc limit 1`;
    return run;
  }, 65_000);
  const done = tick && await waitFor(async () => {
    const [j] = await sql<{ id: string }[]>`select id from private.jobs
      where kind = 'health' and status = 'done' and finished_at >= ${tick.start_time} limit 1`;
    return j;
  }, 20_000);
  if (tick) show(`pg_cron ran health-check at ${tick.start_time.toISOString()}: ${tick.status}`);
  outcome("scheduling chain (pg_cron on its own)", Boolean(done), done ? `job ${done.id}` : "no run in 65 s");
}
