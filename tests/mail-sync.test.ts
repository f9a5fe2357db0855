// A help desk's shared mailbox synced end to end through the schedule, pg_net, the gateway and
// the sync-emails worker, against the emulator's Northwind Traders support mailbox and its named
// fixture threads; then incremental rounds, changes made in Outlook, and two workers at once.
import assert from "node:assert/strict";
import { canonicalId } from "../supabase/functions/_shared/mail/message-ids.ts";
import {
  connect,
  emulatedUsers,
  emulator,
  eventually,
  freshAccount,
  invoke,
  SECRET_KEY,
} from "./support/stack.ts";
import { type Fixture, fixtures, folderIds, syncUntilDone, watchMailbox } from "./support/mail.ts";

const sql = connect();
const NORTHWIND = "9c1d2e3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
const SUPPORT = "support@northwindtraders.com";

const ticketsOf = async (fixture: Fixture, mailboxIds: string[]) => {
  const ids = fixture.messages.map((m) => canonicalId(m.internetMessageId));
  return await sql<
    {
      internet_message_id: string;
      ticket_id: string | null;
      direction: string;
      auto_kind: string | null;
      thread_rule: string;
    }[]
  >`
    select internet_message_id, ticket_id, direction, auto_kind, thread_rule from public.email_messages
    where mailbox_id = any(${mailboxIds}::uuid[]) and internet_message_id = any(${ids}) and deleted_at is null`;
};

Deno.test("syncing a help desk's mailbox", async (t) => {
  const { accountId, session } = await freshAccount(sql, "mail-sync");
  const mailbox = await watchMailbox(session, accountId, "admin@northwindtraders.onmicrosoft.com", SUPPORT, {
    sentItems: true,
  });
  const boxes = [mailbox.inbox, mailbox.sentItems!];
  const expected = await fixtures(SUPPORT);
  try {
    await t.step(
      "the first sync goes through pg_cron's schedule and mirrors the mailbox exactly",
      async () => {
        const [{ queued }] = await sql`select private.schedule_mail_sync() as queued`;
        assert.ok(queued >= 2);
        for (const id of boxes) await syncUntilDone(sql, id);
        for (const [id, folder] of [[mailbox.inbox, "inbox"], [mailbox.sentItems!, "sentitems"]]) {
          const ours = new Set((await sql`select graph_id from public.email_messages
          where mailbox_id = ${id} and deleted_at is null`).map((r) => r.graph_id));
          const truth = await folderIds(NORTHWIND, SUPPORT, folder);
          assert.ok(truth.size > 0);
          assert.deepEqual([...ours].sort(), [...truth].sort(), `${folder}: exactly the emulator's messages`);
        }
        const [box] = await sql`select sync_status, last_sync_at, delta_link, next_link, last_full_sync_at
        from public.mailboxes where id = ${mailbox.inbox}`;
        assert.equal(box.sync_status, "ok");
        assert.ok(box.delta_link && !box.next_link && box.last_full_sync_at);
      },
    );

    await t.step("a customer's thread is one ticket, with our answers from Sent Items in it", async () => {
      for (const name of ["customer-thread", "localized-prefixes", "cross-tenant"]) {
        const rows = await ticketsOf(expected.get(name)!, boxes);
        assert.ok(rows.length >= 2, name);
        assert.equal(new Set(rows.map((r) => r.ticket_id)).size, 1, `${name}: one ticket`);
        assert.ok(rows[0].ticket_id, `${name}: a ticket`);
        assert.ok(rows.some((r) => r.direction === "outbound"), `${name}: our answer is on it`);
      }
      const [ticket] =
        await sql`select t.* from public.helpdesk_tickets t join public.email_messages m on m.ticket_id = t.id
        where m.internet_message_id = ${
          canonicalId(expected.get("localized-prefixes")!.messages[0].internetMessageId)
        }`;
      assert.equal(ticket.subject, "Order 78877 not delivered");
      assert.equal(ticket.status, "open");
      assert.ok(ticket.message_count >= 17);
    });

    await t.step(
      "a new subject from the same customer is a new ticket; generic subjects never merge",
      async () => {
        const changed = await ticketsOf(expected.get("subject-changed")!, boxes);
        const first = changed.find((r) => r.internet_message_id.startsWith("C8464E1B"))!;
        const fresh = changed.find((r) => r.internet_message_id.startsWith("879EDCC4"))!;
        assert.notEqual(first.ticket_id, fresh.ticket_id, "not a reply, other subject: its own ticket");
        const same = await ticketsOf(expected.get("same-subject")!, boxes);
        assert.equal(
          new Set(same.map((r) => r.ticket_id)).size,
          4,
          "four senders of 'Invoice'/'Question': four tickets",
        );
      },
    );

    await t.step("out-of-office and bounces thread to the right ticket without changing it", async () => {
      const oof = await ticketsOf(expected.get("out-of-office")!, boxes);
      const auto = oof.find((r) => r.auto_kind === "out_of_office")!;
      assert.ok(auto, "recognized as out-of-office");
      assert.equal(new Set(oof.map((r) => r.ticket_id)).size, 1, "on the ticket of the mail it answers");
      const bounce = await ticketsOf(expected.get("bounce")!, boxes);
      const reports = bounce.filter((r) => r.auto_kind === "bounce");
      assert.equal(reports.length, 2, "Exchange's and the remote server's reports");
      for (const r of reports) {
        assert.equal(
          r.ticket_id,
          bounce.find((b) => b.direction === "inbound" && !b.auto_kind)!.ticket_id,
          r.thread_rule,
        );
        // by the report's copy of the original, or the In-Reply-To of Exchange's own NDR; or, when the
        // Inbox synced before Sent Items, parked until our answer arrived
        assert.match(r.thread_rule, /^(bounce|in-reply-to|parked, then its message came)$/);
      }
    });

    await t.step(
      "the same Message-ID with other content is two messages; newsletters are kept, flagged",
      async () => {
        const reused = await ticketsOf(expected.get("reused-message-id")!, boxes);
        assert.equal(reused.length, 2);
        assert.notEqual(reused[0].ticket_id, reused[1].ticket_id);
        const [news] = await ticketsOf(expected.get("newsletter")!, boxes);
        assert.equal(news.auto_kind, "bulk");
      },
    );

    await t.step("unsafe HTML is stored sanitized: no scripts, handlers or remote images", async () => {
      const id = canonicalId(expected.get("unsafe-html")!.messages[0].internetMessageId);
      const [m] = await sql`select body_html from public.email_messages where internet_message_id = ${id}`;
      assert.ok(m.body_html.length > 20);
      assert.doesNotMatch(m.body_html, /<script|\son\w+\s*=|javascript:|<img[^>]+src="https?:/i);
    });

    await t.step("an unchanged mailbox: one Graph request, no row written", async () => {
      // Counted at the mailbox: other tests call Graph at the same time.
      const [support] = await emulatedUsers(
        "northwind",
        (u) => u.userPrincipalName.toLowerCase() === SUPPORT,
      );
      const served = async () => ((await emulator("counters")).graph.byMailbox[support.id] ?? 0) as number;
      const before = await served();
      const [{ touched }] =
        await sql`select max(updated_at) as touched from public.email_messages where mailbox_id = ${mailbox.inbox}`;
      await sql`select private.enqueue_mail_sync(${mailbox.inbox})`;
      const job = await syncUntilDone(sql, mailbox.inbox);
      assert.equal((job.result as { inserted: number }).inserted, 0);
      assert.equal((job.result as { updated: number }).updated, 0);
      const [{ after }] =
        await sql`select max(updated_at) as after from public.email_messages where mailbox_id = ${mailbox.inbox}`;
      assert.equal(after.getTime(), touched.getTime(), "no row written");
      const requests = (await served()) - before;
      assert.equal(requests, 1, "one delta request");
    });

    await t.step(
      "read, moved and deleted in Outlook: merged and soft-deleted on the next round",
      async () => {
        // Three new mails of our own, so the seeded fixtures stay as they are for the next run.
        const [read, moved, deleted] = await Promise.all(
          ["Read me", "Move me", "Delete me"].map(async (subject) => {
            const sent = await emulator("mail/inject", {
              body: { to: SUPPORT, from: "outlook.user@proseware.com", subject, text: subject },
            });
            return sent.delivered[0].id as string;
          }),
        );
        await sql`select private.enqueue_mail_sync(${mailbox.inbox})`;
        await syncUntilDone(sql, mailbox.inbox);
        await emulator(`mail/mailboxes/${SUPPORT}/messages/${read}/read`, { body: { isRead: true } });
        await emulator(`mail/mailboxes/${SUPPORT}/messages/${moved}/move`, {
          body: { destination: "archive" },
        });
        await emulator(`mail/mailboxes/${SUPPORT}/messages/${deleted}`, { method: "DELETE" });
        const [before] = await sql`select subject, ticket_id from public.email_messages
          where mailbox_id = ${mailbox.inbox} and graph_id = ${read}`;
        await sql`select private.enqueue_mail_sync(${mailbox.inbox})`;
        await syncUntilDone(sql, mailbox.inbox);
        const rows = new Map(
          (await sql`select graph_id, is_read, subject, ticket_id, deleted_at from public.email_messages
        where mailbox_id = ${mailbox.inbox} and graph_id = any(${[read, moved, deleted]})`).map((
            r,
          ) => [r.graph_id as string, r]),
        );
        const row = (id: string) => {
          const r = rows.get(id);
          assert.ok(r, `row for ${id}`);
          return r;
        };
        assert.equal(row(read).is_read, true);
        assert.equal(
          row(read).subject,
          before.subject,
          "a partial update merges, it does not blank the rest",
        );
        assert.equal(row(read).ticket_id, before.ticket_id);
        assert.ok(row(moved).deleted_at, "moved out of the Inbox");
        assert.ok(row(deleted).deleted_at, "deleted");
      },
    );

    await t.step("two workers started on the same mailbox at once: one syncs, nothing doubles", async () => {
      await emulator("mail/inject", {
        body: { to: SUPPORT, from: "new.customer@proseware.com", subject: "Need a quote", text: "Hi" },
      });
      const [{ count: before }] =
        await sql`select count(*)::int from public.email_messages where mailbox_id = ${mailbox.inbox}`;
      // The same job enqueued twice is one job; two workers race for it.
      await sql`select private.enqueue_mail_sync(${mailbox.inbox}), private.enqueue_mail_sync(${mailbox.inbox})`;
      const [a, b] = await Promise.all([
        invoke("sync-emails", { apikey: SECRET_KEY, body: {} }),
        invoke("sync-emails", { apikey: SECRET_KEY, body: {} }),
      ]);
      assert.equal(a.body.data.claimed + b.body.data.claimed, 1, "exactly one worker got the job");
      await eventually("the job to finish", async () => {
        const [j] =
          await sql`select status from private.jobs where dedup_key = ${`sync-emails:${mailbox.inbox}`} order by id desc limit 1`;
        return j.status === "done" || undefined;
      });
      const [{ count: after }] =
        await sql`select count(*)::int from public.email_messages where mailbox_id = ${mailbox.inbox}`;
      assert.equal(after, before + 1);
      const [{ dups }] =
        await sql`select count(*)::int as dups from (select graph_id from public.email_messages
        where mailbox_id = ${mailbox.inbox} group by graph_id having count(*) > 1) d`;
      assert.equal(dups, 0);
    });

    await t.step("mailboxes lists the watched folders with their state", async () => {
      const res = await invoke("mailboxes", { session, query: { account_id: accountId } });
      assert.equal(res.status, 200);
      const inbox = res.body.data.find((m: { folder: string }) => m.folder === "inbox");
      assert.equal(inbox.sync_status, "ok");
      assert.ok(inbox.messages > 40 && inbox.tickets > 10);
    });
  } finally {
    await sql.end();
  }
});
