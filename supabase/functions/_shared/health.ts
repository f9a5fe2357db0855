// Platform health: can we reach the database, and how is the job queue doing.
import type { Sql } from "./db.ts";
import type { Outcome } from "./jobs.ts";

export interface DatabaseProbe {
  database: "ok";
  latency_ms: number;
  server_time: string;
}

export async function probeDatabase(sql: Sql): Promise<DatabaseProbe> {
  const started = performance.now();
  const [{ now }] = await sql<{ now: Date }[]>`select now()`;
  return {
    database: "ok",
    latency_ms: Math.round(performance.now() - started),
    server_time: now.toISOString(),
  };
}

/** A health job's result: the probe plus the queue's shape at that moment. */
export async function runHealthCheck(sql: Sql): Promise<Outcome> {
  const probe = await probeDatabase(sql);
  const [{ queue }] = await sql<{ queue: Record<string, unknown> }[]>`select private.queue_stats() as queue`;
  return { done: { ...probe, queue } };
}
