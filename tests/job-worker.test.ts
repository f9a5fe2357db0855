// The worker runtime (_shared/jobs.ts) against the real queue: exactly-once under concurrency,
// retries, dead letters without secrets, checkpoints across time budgets, and a killed worker.
import assert from "node:assert/strict";
import { drain, RetryLater } from "../supabase/functions/_shared/jobs.ts";
import { connect, ROOT, uniqueKind } from "./support/stack.ts";

const sql = connect();

async function enqueue(
  kind: string,
  count: number,
  options: { maxAttempts?: number; payload?: object } = {},
) {
  const rows = await sql<{ id: string }[]>`
    select private.enqueue_job(${kind}, payload => ${sql.json((options.payload ?? {}) as never)},
      max_attempts => ${options.maxAttempts ?? 5}) as id
    from generate_series(1, ${count})`;
  return rows.map((r) => String(r.id));
}

async function job(id: string) {
  const [row] = await sql<
    { status: string; attempts: number; last_error: string | null; result: unknown; run_after: Date }[]
  >`select status, attempts, last_error, result, run_after from private.jobs where id = ${id}`;
  return row;
}

const makeDue = (id: string) => sql`update private.jobs set run_after = now() where id = ${id}`;

Deno.test("job worker runtime", async (t) => {
  try {
    await t.step("six workers draining 300 jobs run each exactly once", async () => {
      const kind = uniqueKind("exactly-once");
      const ids = await enqueue(kind, 300);
      const runs = new Map<string, number>();
      const summaries = await Promise.all(
        Array.from(
          { length: 6 },
          () =>
            drain(sql, { kind, budgetMs: 60_000, batch: 7, concurrency: 2 }, async (j) => {
              runs.set(j.id, (runs.get(j.id) ?? 0) + 1);
              await new Promise((r) => setTimeout(r, 1));
              return { done: { ran: j.id } };
            }),
        ),
      );
      assert.equal(runs.size, 300);
      assert.ok([...runs.values()].every((n) => n === 1), "no job ran twice");
      assert.equal(summaries.reduce((n, s) => n + s.done, 0), 300);
      assert.ok(summaries.filter((s) => s.done > 0).length > 1, "the work was shared");
      const [{ done }] = await sql`select count(*)::int as done from private.jobs
        where id = any(${ids}) and status = 'done'`;
      assert.equal(done, 300);
    });

    await t.step("a failing job backs off, then dead-letters with a scrubbed error", async () => {
      const kind = uniqueKind("failing");
      const [id] = await enqueue(kind, 1, { maxAttempts: 2 });
      const fail = () => {
        throw new Error("Graph said no to Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl");
      };
      const first = await drain(sql, { kind, budgetMs: 10_000 }, () => fail());
      assert.deepEqual([first.retrying, first.dead], [1, 0]);
      const retrying = await job(id);
      assert.equal(retrying.status, "queued");
      assert.ok(retrying.run_after > new Date(), "it waits for its backoff");
      assert.equal(
        (await drain(sql, { kind, budgetMs: 10_000 }, () => fail())).claimed,
        0,
        "not before",
      );

      await makeDue(id);
      const second = await drain(sql, { kind, budgetMs: 10_000 }, () => fail());
      assert.equal(second.dead, 1);
      const dead = await job(id);
      assert.equal(dead.status, "dead");
      assert.match(dead.last_error!, /Graph said no/);
      assert.doesNotMatch(dead.last_error!, /eyJ/, "no token in the kept error");
    });

    await t.step("RetryLater waits exactly as long as asked (e.g. Retry-After)", async () => {
      const kind = uniqueKind("retry-after");
      const [id] = await enqueue(kind, 1);
      await drain(sql, { kind, budgetMs: 10_000 }, () => {
        throw new RetryLater("throttled by Graph", 120);
      });
      const [{ wait }] = await sql`select extract(epoch from run_after - now())::int as wait
        from private.jobs where id = ${id}`;
      assert.ok(wait > 110 && wait <= 120, `retries in ~120 s (got ${wait})`);
    });

    await t.step(
      "a job handed back with a checkpoint resumes from it, losing and repeating nothing",
      async () => {
        const kind = uniqueKind("checkpoint");
        const [id] = await enqueue(kind, 1, { payload: { pages: 5 } });
        const seen: number[] = [];
        // One page per run, as a worker whose budget runs out after each page would do.
        const summary = await drain<{ pages: number }>(sql, { kind, budgetMs: 60_000 }, (j) => {
          const next = (j.checkpoint as { page?: number } | null)?.page ?? 1;
          seen.push(next);
          return next < j.payload.pages ? { release: { page: next + 1 } } : { done: { pages: seen.length } };
        });
        assert.deepEqual(seen, [1, 2, 3, 4, 5]);
        assert.equal(summary.released, 4);
        const finished = await job(id);
        assert.equal(finished.status, "done");
        assert.equal(finished.attempts, 1, "hand-backs are not failures");
      },
    );

    await t.step(
      "a worker killed mid-run loses nothing: the job runs again once its lease expires",
      async () => {
        const kind = uniqueKind("killed");
        const [id] = await enqueue(kind, 1);
        const worker = new Deno.Command(Deno.execPath(), {
          args: ["run", "-A", `${ROOT}/tests/support/hanging-worker.ts`, kind],
          stdout: "piped",
          stderr: "inherit",
        }).spawn();
        const reader = worker.stdout.pipeThrough(new TextDecoderStream()).getReader();
        const { value } = await reader.read();
        assert.deepEqual(JSON.parse(value!), { claimed: id });
        worker.kill("SIGKILL");
        await worker.status;
        await reader.cancel();

        assert.equal((await job(id)).status, "running", "the dead worker still holds the lease");
        assert.equal((await drain(sql, { kind, budgetMs: 5_000 }, () => ({ done: 1 }))).claimed, 0);
        await sql`update private.jobs set locked_until = now() - interval '1 second' where id = ${id}`;
        const summary = await drain(sql, { kind, budgetMs: 5_000 }, () => ({ done: "recovered" }));
        assert.equal(summary.done, 1);
        const recovered = await job(id);
        assert.equal(recovered.status, "done");
        assert.equal(recovered.result, "recovered");
        assert.equal(recovered.attempts, 2);
      },
    );

    await t.step(
      "the platform announcing a stop (beforeunload): the running job saves its checkpoint, the rest go back",
      async () => {
        const kind = uniqueKind("stopped");
        const ids = await enqueue(kind, 3);
        const reasons: unknown[] = [];
        const summary = await drain(sql, { kind, budgetMs: 60_000, batch: 3 }, async (_j, ctx) => {
          // What the Edge Runtime dispatches at its CPU soft limit, a second of CPU before the hard one.
          dispatchEvent(new CustomEvent("beforeunload", { detail: { reason: "cpu" } }));
          await new Promise((r) => setTimeout(r, 10));
          reasons.push(ctx.stopping.aborted && ctx.stopping.reason);
          return { release: { page: 7 } };
        });
        assert.deepEqual(reasons, ["cpu"], "one job ran, and was told why it must stop");
        assert.deepEqual({ done: summary.done, released: summary.released }, { done: 0, released: 3 });
        const jobs = await sql<{ status: string; attempts: number; checkpoint: unknown }[]>`
          select status, attempts, checkpoint from private.jobs where id = any(${ids}) order by id`;
        assert.ok(
          jobs.every((j) => j.status === "queued" && j.attempts === 0),
          "all due again, no attempt lost",
        );
        assert.deepEqual(jobs.filter((j) => j.checkpoint).map((j) => j.checkpoint), [{ page: 7 }]);

        // The announcement was this worker's: the next one runs them all.
        const next = await drain(sql, { kind, budgetMs: 60_000, batch: 3 }, () => ({ done: true }));
        assert.equal(next.done, 3);
      },
    );

    await t.step("claimed jobs a worker has no time left for are handed back untouched", async () => {
      const kind = uniqueKind("no-time");
      const ids = await enqueue(kind, 3);
      let ran = 0;
      const summary = await drain(sql, { kind, budgetMs: 1_500, batch: 3 }, async () => {
        ran++;
        await new Promise((r) => setTimeout(r, 700));
        return { done: true };
      });
      assert.equal(summary.done, ran);
      assert.equal(summary.released, 3 - ran);
      assert.ok(ran < 3);
      const statuses = await Promise.all(ids.map(async (id) => (await job(id)).status));
      assert.equal(statuses.filter((s) => s === "queued").length, 3 - ran);
    });
  } finally {
    await sql.end();
  }
});
