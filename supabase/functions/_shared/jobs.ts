// The worker side of the job queue (private.jobs): claim due jobs, run them within a time budget,
// and record each outcome. Edge Functions have wall-clock and CPU limits, so a worker stops claiming
// when its budget is spent, or when the platform says it is about to stop it, and hands unfinished
// work back with a checkpoint.
import type { Sql } from "./db.ts";
import { HttpError, RetryLater } from "./errors.ts";

export { RetryLater };
import { log, redact } from "./log.ts";

export interface Job<P = Record<string, unknown>> {
  id: string; // bigint, as postgres.js returns it
  kind: string;
  account_id: string | null;
  payload: P;
  attempts: number;
  max_attempts: number;
  checkpoint: unknown;
}

/** A handler either finishes (`done`, with a result to keep) or hands back a checkpoint. */
export type Outcome = { done: unknown } | { release: unknown };

export interface JobContext {
  worker: string;
  /** Epoch ms by which the handler must return; save a checkpoint and release before it. */
  deadline: number;
  /**
   * Aborted when the platform is about to stop the worker (its CPU, memory or wall-clock limit):
   * save a checkpoint and release now, or the job waits for its lease to run out and loses an attempt.
   */
  stopping: AbortSignal;
}

export type JobHandler<P> = (job: Job<P>, ctx: JobContext) => Outcome | Promise<Outcome>;

export interface DrainOptions {
  kind: string;
  budgetMs: number;
  /** Jobs claimed per round trip. */
  batch?: number;
  /** Jobs run side by side within this worker. */
  concurrency?: number;
}

export interface DrainSummary {
  worker: string;
  claimed: number;
  done: number;
  released: number;
  retrying: number;
  dead: number;
}

// Leave room for the last job to record its outcome before the platform stops us.
const MIN_TIME_TO_START_MS = 1_000;
const LEASE_MARGIN_MS = 60_000;

/** The message kept in last_error: what went wrong, never a secret. */
export function jobErrorMessage(error: unknown): string {
  if (error instanceof HttpError) return error.message;
  const err = error instanceof Error ? error : new Error(String(error));
  return redact(`${err.name}: ${err.message}`).slice(0, 2000);
}

async function record<P>(
  sql: Sql,
  job: Job<P>,
  ctx: JobContext,
  handle: JobHandler<P>,
  summary: DrainSummary,
) {
  try {
    const outcome = await handle(job, ctx);
    if ("release" in outcome) {
      await sql`select private.release_job(${job.id}, ${ctx.worker}, ${sql.json(outcome.release as never)})`;
      summary.released++;
    } else {
      await sql`select private.complete_job(${job.id}, ${ctx.worker}, ${
        sql.json((outcome.done ?? null) as never)
      })`;
      summary.done++;
    }
  } catch (error) {
    const message = jobErrorMessage(error);
    const retryAfter = error instanceof RetryLater ? `${error.retryAfterSeconds} seconds` : null;
    const [{ status }] = await sql`
      select private.fail_job(${job.id}, ${ctx.worker}, ${message}, ${retryAfter}::interval) as status`;
    if (status === "dead") summary.dead++;
    else summary.retrying++;
    log("warn", "job failed", { kind: job.kind, job: job.id, attempt: job.attempts, status, error: message });
  }
}

/**
 * Aborted when the Edge Runtime announces that it will stop this worker: it dispatches
 * "beforeunload" (reason cpu, memory, wall_clock...) at its soft limit, before the hard one.
 * Deno's CLI fires it only once the event loop is idle, after any drain has returned.
 */
function platformStop(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const stop = (event: Event) => controller.abort((event as CustomEvent).detail?.reason ?? "beforeunload");
  addEventListener("beforeunload", stop);
  return { signal: controller.signal, dispose: () => removeEventListener("beforeunload", stop) };
}

/** Claim and run jobs of one kind until none are due, the budget is spent or the platform stops us. */
export async function drain<P = Record<string, unknown>>(
  sql: Sql,
  options: DrainOptions,
  handle: JobHandler<P>,
): Promise<DrainSummary> {
  const worker = `${options.kind}:${crypto.randomUUID()}`;
  const deadline = Date.now() + options.budgetMs;
  const lease = `${Math.ceil((options.budgetMs + LEASE_MARGIN_MS) / 1000)} seconds`;
  const batch = options.batch ?? 10;
  const concurrency = options.concurrency ?? 1;
  const summary: DrainSummary = { worker, claimed: 0, done: 0, released: 0, retrying: 0, dead: 0 };
  const stop = platformStop();
  const ctx: JobContext = { worker, deadline, stopping: stop.signal };
  const mayStart = () => !stop.signal.aborted && deadline - Date.now() > MIN_TIME_TO_START_MS;
  try {
    while (mayStart()) {
      const jobs = await sql<Job<P>[]>`
      select id, kind, account_id, payload, attempts, max_attempts, checkpoint
      from private.claim_jobs(${options.kind}, ${worker}, ${batch}, ${lease}::interval)`;
      if (jobs.length === 0) break;
      summary.claimed += jobs.length;

      const queue = [...jobs];
      const lane = async () => {
        for (let job = queue.shift(); job; job = queue.shift()) {
          if (!mayStart()) {
            // Claimed but not started: give it back untouched.
            await sql`select private.release_job(${job.id}, ${worker}, null)`;
            summary.released++;
            continue;
          }
          await record(sql, job, ctx, handle, summary);
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, lane));
    }
  } finally {
    stop.dispose();
  }
  if (stop.signal.aborted) {
    log("info", "worker stopped by the platform", { kind: options.kind, reason: stop.signal.reason });
  }
  return summary;
}
