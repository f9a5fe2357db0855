// A 5,000-message mailbox synced through Microsoft's bad days: a tenth of its Graph requests
// answered 429, 503 or 504; the worker SIGKILLed mid-sync and another taking over; the worker
// told by the platform that it is about to be stopped; the delta token expired mid-way; then Outlook changes synced incrementally through the gateway. After
// each, the rows are exactly the emulator's messages: none lost, none twice. Last, Graph rejects the
// token and the grant is revoked: the sync stops cleanly, the mailbox and connection say why.
import assert from "node:assert/strict";
import {
  connect,
  emulatedUsers,
  emulator,
  eventually,
  freshAccount,
  invoke,
  ordinaryMember,
  ROOT,
  SECRET_KEY,
  uniqueKind,
} from "./support/stack.ts";
import { folderIds, syncUntilDone, watchMailbox } from "./support/mail.ts";

const sql = connect();
const NORTHWIND = "9c1d2e3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
const SIZE = 5_000;

/** The sync worker in a process of its own, draining only this test's job kind. */
function worker(kind: string, pageSize: number, stopAfterFirstPageOf?: string) {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `${ROOT}/tests/support/mail-sync-worker.ts`,
      kind,
      "300",
      ...(stopAfterFirstPageOf ? [stopAfterFirstPageOf] : []),
    ],
    env: { MAIL_SYNC_PAGE_SIZE: String(pageSize) },
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
}

Deno.test("a 5,000-message mailbox syncs exactly through faults, a killed worker and an expired delta token", async (t) => {
  const { accountId, session } = await freshAccount(sql, "mail-faults");
  const [member] = (await emulatedUsers("northwind", ordinaryMember)).slice(-1);
  const upn = member.userPrincipalName.toLowerCase();
  const box = await watchMailbox(session, accountId, upn, upn);
  await syncUntilDone(sql, box.inbox); // the sync that watching starts
  // The emulator's mailbox outlives a run: top it up to the size, and start from nothing.
  const have = (await folderIds(NORTHWIND, upn)).size;
  if (have < SIZE) await emulator(`mail/mailboxes/${upn}/fill`, { body: { messages: SIZE - have } });
  await sql`delete from public.email_messages where mailbox_id = ${box.inbox}`;
  await sql`delete from public.helpdesk_tickets where account_id = ${accountId}`;
  await sql`update public.mailboxes set delta_link = null, next_link = null where id = ${box.inbox}`;

  /**
   * This mailbox's sync, queued for our own worker process only. It shares the mailbox's dedup key,
   * so while it lives the schedule's syncs of the mailbox join it instead of racing it.
   */
  const ownSync = async (kind: string) =>
    await eventually("the mailbox's sync to ourselves", async () => {
      const [{ id }] = await sql`select private.enqueue_job(${kind}, ${`sync-emails:${box.inbox}`},
        ${sql.json({ mailbox_id: box.inbox })}, ${accountId}::uuid) as id`;
      const [job] = await sql`select kind from private.jobs where id = ${id}`;
      if (job.kind === kind) return id as string;
      await invoke("sync-emails", { apikey: SECRET_KEY, body: {} }); // someone else's: let it finish
    });
  // A schedule's sync that joined ours while it ran is handed to the real worker (once we have looked).
  const handBack = (kind: string) =>
    sql`update private.jobs set kind = 'sync-emails' where kind = ${kind} and status = 'queued'`;

  const ours = async () => {
    const rows = await sql<{ graph_id: string; n: number }[]>`
      select graph_id, count(*)::int as n from public.email_messages
      where mailbox_id = ${box.inbox} and deleted_at is null group by graph_id`;
    assert.deepEqual(rows.filter((r) => r.n > 1), [], "no message twice");
    return new Set(rows.map((r) => r.graph_id));
  };
  const exactly = async (what: string) => {
    const truth = await folderIds(NORTHWIND, upn);
    const mine = await ours();
    assert.equal(mine.size, truth.size, `${what}: as many rows as messages`);
    assert.deepEqual([...mine].filter((id) => !truth.has(id)), [], `${what}: nothing that is not there`);
    assert.deepEqual([...truth].filter((id) => !mine.has(id)), [], `${what}: nothing lost`);
  };
  const stored = async () =>
    (await sql`select count(*)::int as n from public.email_messages where mailbox_id = ${box.inbox}`)[0]
      .n as number;
  const checkpoint = async () =>
    (await sql`select next_link, delta_link, sync_generation, full_sync_started_at, last_full_sync_at
      from public.mailboxes where id = ${box.inbox}`)[0];
  // The mailbox, not the job, tells how the round went: a schedule's sync that joined ours reruns
  // the same job afterwards and overwrites its result.
  const roundComplete = async () => {
    const now = await checkpoint();
    assert.equal(now.next_link, null, "no round left half-way");
    assert.ok(now.delta_link, "the round ended with a deltaLink");
    assert.equal(now.full_sync_started_at, null, "no full sync left half-way");
    return now;
  };

  // A tenth of this mailbox's Graph requests fail, as Exchange's do on a bad day.
  const faults = await Promise.all(
    [[429, 0.2], [503, 0.2], [504, null]].map(([status, retryAfter]) =>
      emulator("faults", { body: { path: `/users/${upn}/**`, status, rate: 0.034, retryAfter } })
    ),
  );
  const faultsBefore = (await emulator("counters")).faultsInjected as number;
  const injected = async () => (await emulator("counters")).faultsInjected as number;
  // Slower pages, so the test can act while a round is under way.
  const slow = await emulator("faults", { body: { path: `/users/${upn}/**`, latencyMs: 150 } });
  try {
    await t.step("a worker killed mid-sync: the next one resumes from its checkpoint", async () => {
      const kind = uniqueKind("sync-emails-killed");
      await ownSync(kind);
      const first = worker(kind, 250);
      await eventually("a few pages written", async () => (await stored()) >= 1_000, 120_000);
      first.kill("SIGKILL");
      await first.status;
      await first.stdout.cancel();

      const atKill = await checkpoint();
      assert.ok(atKill.next_link, "killed mid-round: a nextLink checkpoint is saved");
      assert.ok((await stored()) < SIZE, "killed before the end");
      await ours(); // and nothing twice so far

      // The platform's lease runs out; a new worker claims the job again.
      await sql`update private.jobs set locked_until = now() - interval '1 second'
        where kind = ${kind} and status = 'running'`;
      const second = worker(kind, 250);
      assert.equal((await second.output()).code, 0);
      const after = await roundComplete();
      assert.equal(
        after.sync_generation,
        atKill.sync_generation,
        "resumed from the checkpoint, not started over",
      );
      await exactly("after the kill");
      await handBack(kind);
    });

    await t.step(
      "the platform stops the worker mid-sync (its CPU limit): the job is handed back at once, then resumed",
      async () => {
        await emulator(`mail/mailboxes/${upn}/fill`, { body: { messages: 600 } });
        const kind = uniqueKind("sync-emails-stopped");
        const id = await ownSync(kind);
        const before = await checkpoint();
        assert.equal((await worker(kind, 100, box.inbox).output()).code, 0, "the worker returns by itself");
        const [job] = await sql`select status, attempts from private.jobs where id = ${id}`;
        assert.equal(job.status, "queued", "handed back, not left running until its lease runs out");
        assert.equal(job.attempts, 0, "being stopped is not a failed attempt");
        assert.ok((await checkpoint()).next_link, "stopped mid-round, its checkpoint saved");
        assert.ok((await stored()) < (await folderIds(NORTHWIND, upn)).size, "stopped before the end");

        assert.equal((await worker(kind, 100).output()).code, 0);
        const after = await roundComplete();
        assert.equal(
          after.sync_generation,
          before.sync_generation,
          "resumed from the checkpoint, not started over",
        );
        await exactly("after the platform's stop");
        await handBack(kind);
      },
    );

    await t.step("the delta token expires mid-way: a full resync, no duplicates", async () => {
      // New mail makes a next round of several pages; the token dies after its first page.
      await emulator(`mail/mailboxes/${upn}/fill`, { body: { messages: 600 } });
      const kind = uniqueKind("sync-emails-expired");
      await ownSync(kind);
      const before = await checkpoint();
      // The mailbox's requests wait at the emulator until let through, one at a time.
      const gate = await emulator("faults", { body: { path: `/users/${upn}/**`, hold: true } });
      await emulator(`faults/${slow.id}`, { method: "DELETE" });
      const running = worker(kind, 100);
      await eventually("the first page written, the next request waiting", async () => {
        const { held } = await emulator("faults");
        if ((await checkpoint()).next_link !== null && held > 0) return true;
        if (held > 0) await emulator("faults/release", { method: "POST" });
      }, 60_000);
      const { expired } = await emulator("mail/delta/expire", { body: { mailbox: upn } });
      assert.ok(expired > 0);
      await emulator(`faults/${gate.id}`, { method: "DELETE" });
      await emulator("faults/release", { method: "POST" });
      assert.equal((await running.output()).code, 0);
      const after = await roundComplete();
      assert.ok(after.sync_generation > before.sync_generation, "410 SyncStateNotFound started a full sync");
      assert.ok(after.last_full_sync_at > (before.last_full_sync_at ?? 0), "and the full sync finished");
      await exactly("after the expired token");
      await handBack(kind);
    });

    await t.step("Outlook's changes, synced through the gateway's worker: still exact", async () => {
      const ids = [...await folderIds(NORTHWIND, upn)];
      const [read, moved, deleted] = [ids.slice(0, 25), ids.slice(25, 40), ids.slice(40, 60)];
      for (const id of read) {
        await emulator(`mail/mailboxes/${upn}/messages/${id}/read`, { body: { isRead: true } });
      }
      for (const id of moved) {
        await emulator(`mail/mailboxes/${upn}/messages/${id}/move`, { body: { destination: "archive" } });
      }
      for (const id of deleted) await emulator(`mail/mailboxes/${upn}/messages/${id}`, { method: "DELETE" });
      await emulator(`mail/mailboxes/${upn}/fill`, { body: { messages: 40 } });
      await sql`select private.enqueue_mail_sync(${box.inbox})`;
      const job = await syncUntilDone(sql, box.inbox, 180_000);
      assert.equal((job.result as { full_sync: boolean }).full_sync, false, "an incremental round");
      await exactly("after Outlook's changes");
      const [{ unread }] = await sql`select count(*)::int as unread from public.email_messages
        where mailbox_id = ${box.inbox} and graph_id = any(${read}) and is_read is not true`;
      assert.equal(unread, 0, "read in Outlook, read here");
      assert.ok((await injected()) > faultsBefore, "faults were injected along the way");
    });

    await t.step(
      "Graph rejects the token and the grant is gone: the sync stops cleanly and says why",
      async () => {
        await emulator("identity/revoke", { body: { user: upn } });
        // Every request while the rule lives, not just the next: whichever run of the mailbox's sync
        // comes next (a schedule's may be under way) meets the rejection.
        const rejected = await emulator("faults", { body: { path: `/users/${upn}/**`, status: 401 } });
        try {
          await sql`select private.enqueue_mail_sync(${box.inbox})`;
          const job = await syncUntilDone(sql, box.inbox);
          assert.match(
            String((job.result as { skipped?: string }).skipped),
            /authorized again/,
            "done, not retried",
          );
        } finally {
          await emulator(`faults/${rejected.id}`, { method: "DELETE" }).catch(() => {});
        }
        const [mailbox] =
          await sql`select sync_status, last_error from public.mailboxes where id = ${box.inbox}`;
        assert.equal(mailbox.sync_status, "error");
        assert.match(mailbox.last_error, /needs to be authorized again: the grant was revoked/);
        const [connection] =
          await sql`select status from public.m365_connections where id = ${box.readConnection}`;
        assert.equal(connection.status, "needs_reauth");
        await exactly("rows kept as they were"); // nothing lost because the connection died
      },
    );
  } finally {
    for (const f of [...faults, slow]) await emulator(`faults/${f.id}`, { method: "DELETE" }).catch(() => {});
    await sql.end();
  }
});
