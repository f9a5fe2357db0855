// LOCAL ONLY (`./dev demo`): the story told against the running local stack, printed as it goes.
// Today: the scheduling chain pg_cron -> pg_net -> gateway -> worker -> job queue.
import postgres from "postgres";

const env = (name: string) => {
  const value = Deno.env.get(name);
  if (!value) throw new Error(`${name} is not set (run ./dev demo)`);
  return value;
};
const sql = postgres(env("SUPABASE_DB_URL"), { max: 2, onnotice: () => {} });
const say = (text: string) => console.log(`\n\x1b[1m${text}\x1b[0m`);
const show = (text: string) => console.log(`  ${text}`);

async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
}

const summary: [string, string][] = [];

try {
  say("1. The local stack");
  show(`functions gateway  ${env("SUPABASE_URL")}/functions/v1/<slug>`);
  show(`postgres           ${env("SUPABASE_DB_URL").replace(/:[^:@/]+@/, ":***@")}`);
  show(`graph emulator     ${env("EMULATOR_URL")}`);

  say("2. Schedules in pg_cron (each only enqueues work and wakes a worker)");
  const jobs = await sql<{ jobname: string; schedule: string; command: string }[]>`
    select jobname, schedule, command from cron.job order by jobname`;
  for (const j of jobs) show(`${j.jobname.padEnd(22)} ${j.schedule.padEnd(12)} ${j.command}`);

  say("3. Running the health-check schedule now, as pg_cron does every minute");
  const started = new Date();
  const [{ request_id }] = await sql`select private.schedule_health_check() as request_id`;
  show(`enqueued a 'health' job and called net.http_post -> request ${request_id}`);
  const response = await waitFor(async () => {
    const [r] = await sql<{ status_code: number; content: string }[]>`
      select status_code, content from net._http_response where id = ${request_id}`;
    return r;
  }, 20_000);
  if (!response) throw new Error("the worker never answered (see .local/logs/gateway.log)");
  show(`gateway -> health worker answered ${response.status_code}: ${response.content}`);
  const [job] = await sql<{ id: string; status: string; attempts: number; result: unknown }[]>`
    select id, status, attempts, result from private.jobs
    where kind = 'health' and finished_at >= ${started} order by finished_at desc limit 1`;
  show(
    `job ${job?.id}: ${job?.status} after ${job?.attempts} attempt(s); result ${JSON.stringify(job?.result)}`,
  );
  summary.push(["scheduling chain (triggered)", job?.status === "done" ? "ok" : "FAILED"]);

  say("4. Waiting for pg_cron's own next run (at most a minute)");
  const tick = await waitFor(async () => {
    const [run] = await sql<{ status: string; start_time: Date }[]>`
      select d.status, d.start_time from cron.job_run_details d join cron.job j using (jobid)
      where j.jobname = 'health-check' and d.start_time > ${started} order by d.start_time desc limit 1`;
    return run;
  }, 65_000);
  if (tick) {
    show(`pg_cron ran health-check at ${tick.start_time.toISOString()}: ${tick.status}`);
    const done = await waitFor(async () => {
      const [j] = await sql<{ id: string }[]>`select id from private.jobs
        where kind = 'health' and status = 'done' and finished_at >= ${tick.start_time} limit 1`;
      return j;
    }, 20_000);
    show(done ? `its job ${done.id} is done` : "its job did not finish in time");
    summary.push(["scheduling chain (pg_cron on its own)", done ? "ok" : "FAILED"]);
  } else {
    summary.push(["scheduling chain (pg_cron on its own)", "FAILED (no run in 65 s)"]);
  }

  say("5. Queue now");
  const [{ stats }] = await sql`select private.queue_stats() as stats`;
  for (const [kind, s] of Object.entries(stats as Record<string, unknown>)) {
    show(`${kind}: ${JSON.stringify(s)}`);
  }

  say("Summary");
  for (const [what, outcome] of summary) show(`${outcome.padEnd(8)} ${what}`);
  if (summary.some(([, outcome]) => outcome !== "ok")) Deno.exitCode = 1;
} finally {
  await sql.end();
}
