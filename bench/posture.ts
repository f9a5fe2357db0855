// Posture cache: (1) cache-read latency, p50/p99, with 100 callers at once through the gateway,
// beside the same reads on a cold cache, where each computes its data live from the emulator
// (default latency) first; medians of 3 runs. (2) A nightly refresh of 200 organizations × 120 users (the emulator's Contoso) by 4
// worker instances against an emulator of the benchmark's own: wall time, and Graph requests per
// organization (counted at that emulator) beside the fewest $batch allows for the same reads and
// what a client without $batch would send. The 200 organizations share one emulated tenant, so
// that emulator's per-tenant throttles are off (200 real tenants would each have their own).
import { DEFAULT_APP, TENANT_IDS } from "../local/graph-emulator/defaults.ts";
import { storeCredentials } from "../supabase/functions/_shared/app-credentials.ts";
import { asService, sql } from "../supabase/functions/_shared/db.ts";
import { BATCH_LIMIT } from "../supabase/functions/_shared/graph-batch.ts";
import type { ReadStats } from "../supabase/functions/_shared/posture/graph-reads.ts";
import type { Organization } from "../supabase/functions/_shared/posture/dataset.ts";
import { postureApp, postureOrganization, read } from "../tests/support/posture.ts";
import { freePort, freshAccount, ROOT, uniqueKind } from "../tests/support/stack.ts";
import { median, round, summaryLine } from "./support.ts";

const RUNS = 3;
const CALLERS = 100;
const READS_PER_CALLER = 5;
const ORGANIZATIONS = 200;
const WORKERS = 4;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

// ---- (1) reads through the gateway: from the cache, and computed live on a cold cache -----------
// Each of the 100 callers reads an organization of its own, so that on a cold cache every read
// computes its data from Graph (a first read fetches, then answers) rather than share one fetch.
const db = sql();
const reader = await freshAccount(db, "bench-posture");
const app = await postureApp("bench");
const callers: Organization[] = [];
for (let i = 0; i < CALLERS; i++) {
  callers.push(await postureOrganization(db, reader.accountId, "contoso", app));
}
const ids = callers.map((o) => o.id);

async function timedReads(each: number): Promise<number[]> {
  const waits: number[] = [];
  await Promise.all(callers.map(async (org) => {
    for (let i = 0; i < each; i++) {
      const started = performance.now();
      const res = await read("licenses", reader.session, org);
      if (res.status !== 200) throw new Error(`cache-read-licenses answered ${res.status}`);
      waits.push(performance.now() - started);
    }
  }));
  return waits;
}

const cached: number[][] = [];
const liveRuns: number[][] = [];
for (let run = 0; run < RUNS; run++) {
  await db`delete from public.m365_sync_status where organization_id = any(${ids}::bigint[])`;
  await db`delete from public.m365_license_snapshots where organization_id = any(${ids}::bigint[])`;
  liveRuns.push(await timedReads(1));
  cached.push(await timedReads(READS_PER_CALLER));
}
const p = (runs: number[][], q: number) => round(median(runs.map((r) => percentile(r, q))));
console.log(
  `cache-read-licenses through the gateway, ${CALLERS} callers at once: from the cache (× ${READS_PER_CALLER}) ` +
    `p50 ${p(cached, 50)} ms, p99 ${p(cached, 99)} ms; computed live from Graph (cold cache) ` +
    `p50 ${p(liveRuns, 50)} ms, p99 ${p(liveRuns, 99)} ms`,
);

// ---- (2) a nightly refresh of 200 organizations by 4 workers -----------------------------------
const port = freePort();
const emulatorProcess = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "--allow-net",
    "--allow-read",
    "--allow-env",
    `${ROOT}/local/graph-emulator/main.ts`,
    "--port",
    String(port),
    "--cert",
    `${ROOT}/.local/certs/emulator.pem`,
    "--key",
    `${ROOT}/.local/certs/emulator.key`,
  ],
  stdout: "null",
  stderr: "inherit",
}).spawn();
const ours = `https://localhost:${port}`;
const control = async (path: string, init: { method?: string; body?: unknown } = {}) => {
  const res = await fetch(`${ours}/_emulator/${path}`, {
    method: init.method ?? "GET",
    headers: init.body ? { "content-type": "application/json" } : {},
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  if (!res.ok) throw new Error(`emulator ${path}: ${res.status}`);
  return await res.json();
};
const fleet = await freshAccount(db, "bench-posture-fleet");
try {
  for (let i = 0;; i++) {
    try {
      await control("health");
      break;
    } catch (error) {
      if (i > 100) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await control("throttling", { method: "PUT", body: { enabled: false } });

  const kind = uniqueKind("bench-posture");
  const orgs = await db`insert into public.organizations (account_id, organization_name)
    select ${fleet.accountId}, 'Fleet client ' || n from generate_series(1, ${ORGANIZATIONS}) n returning id`;
  for (const o of orgs) {
    await asService((tx) =>
      storeCredentials(tx, {
        account_id: fleet.accountId,
        organization_id: String(o.id),
        tenant_id: TENANT_IDS.contoso,
        client_id: DEFAULT_APP.clientId,
        client_secret: DEFAULT_APP.clientSecret,
      })
    );
  }
  await db`select private.enqueue_job(${kind}, null, jsonb_build_object('organization_id', o.id), o.account_id)
    from public.organizations o where o.account_id = ${fleet.accountId}`;

  const started = performance.now();
  while (true) {
    await Promise.all(Array.from({ length: WORKERS }, async () => {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", `${ROOT}/tests/support/posture-worker.ts`, kind, "300"],
        env: { GRAPH_BASE_URL: ours, LOGIN_BASE_URL: ours },
        stdout: "null",
        stderr: "inherit",
      }).output();
      if (!out.success) throw new Error("a worker failed");
    }));
    const [{ left }] = await db`select count(*)::int as left from private.jobs
      where kind = ${kind} and status in ('queued', 'running')`;
    if (left === 0) break;
  }
  const wallSeconds = (performance.now() - started) / 1000;

  const jobs = await db<{ status: string; result: { requests: ReadStats } }[]>`
    select status, result from private.jobs where kind = ${kind}`;
  const failed = jobs.filter((j) => j.status !== "done").length;
  const [{ saved }] = await db`select count(*)::int as saved from public.m365_sync_status
    where account_id = ${fleet.accountId} and status = 'ok'`;
  const counters = await control("counters");
  const requests = counters.graph.direct + counters.graph.batchRequests;
  const fewest = jobs.reduce(
    (n, j) =>
      n + j.result.requests.rounds.reduce((m, items) => m + Math.ceil(items / BATCH_LIMIT), 0) +
      j.result.requests.direct,
    0,
  );
  const unbatched = jobs.reduce(
    (n, j) => n + j.result.requests.rounds.reduce((m, items) => m + items, 0) + j.result.requests.direct,
    0,
  );
  const [{ users }] =
    await db`select count(*)::int as users from public.m365_users where account_id = ${fleet.accountId}`;
  const usersPerOrg = users / ORGANIZATIONS;
  console.log(
    `nightly refresh of ${ORGANIZATIONS} organizations × ${usersPerOrg} users by ${WORKERS} workers: ` +
      `${round(wallSeconds)} s; ${saved} of ${ORGANIZATIONS * 6} datasets saved, ${failed} jobs not done; ` +
      `Graph requests per organization ${round(requests / ORGANIZATIONS)} ` +
      `(${counters.graph.batchRequests} $batch envelopes carrying ${counters.graph.batchItems} reads, ` +
      `${counters.graph.direct} direct /beta reads); fewest with $batch ${round(fewest / ORGANIZATIONS)}; ` +
      `without $batch ${round(unbatched / ORGANIZATIONS)}`,
  );
  console.log(summaryLine("posture", {
    read_callers: CALLERS,
    read_p50_ms: p(cached, 50),
    read_p99_ms: p(cached, 99),
    baseline_live_p50_ms: p(liveRuns, 50),
    baseline_live_p99_ms: p(liveRuns, 99),
    refresh_organizations: ORGANIZATIONS,
    refresh_users_per_org: usersPerOrg,
    refresh_workers: WORKERS,
    refresh_wall_s: round(wallSeconds),
    refresh_datasets_saved: saved,
    graph_requests_per_org: round(requests / ORGANIZATIONS),
    min_requests_per_org: round(fewest / ORGANIZATIONS),
    baseline_unbatched_requests_per_org: round(unbatched / ORGANIZATIONS),
  }));
} finally {
  await db`delete from public.accounts where id in (${reader.accountId}, ${fleet.accountId})`;
  await db.end();
  emulatorProcess.kill();
  await emulatorProcess.status;
}
