// Writing synced pages (ingest.ts) into real Postgres: threading decisions applied, idempotency,
// order independence, soft deletes, the full-sync sweep, and the checkpoint as a guard. Pages are
// built from Graph-shaped messages through the real conversion (graph-message.ts).
import assert from "node:assert/strict";
import { type GraphMessage, toRow } from "../supabase/functions/_shared/mail/graph-message.ts";
import {
  beginFullSync,
  ingestPage,
  type Mailbox,
  type Page,
} from "../supabase/functions/_shared/mail/ingest.ts";
import { signedMessageId } from "../supabase/functions/_shared/mail/message-ids.ts";
import { sql as pool } from "../supabase/functions/_shared/db.ts";
import { connect, SEEDED } from "./support/stack.ts";

const sql = connect();
const SECRET = "test-signing-secret-that-is-long-enough-000";
const ADDRESS = `support-${crypto.randomUUID().slice(0, 8)}@northwindtraders.com`;

let n = 0;
function graphMessage(m: {
  id?: string;
  messageId: string;
  from?: string;
  subject: string;
  inReplyTo?: string;
  references?: string[];
  at?: string;
  headers?: Record<string, string>;
  body?: string;
  to?: string[];
  conversationId?: string;
  /** A Sent Items copy: Graph lists no transport headers for it. */
  sentCopy?: boolean;
}): GraphMessage {
  const headers = [
    { name: "Message-ID", value: `<${m.messageId}>` },
    ...(m.inReplyTo ? [{ name: "In-Reply-To", value: `<${m.inReplyTo}>` }] : []),
    ...(m.references ? [{ name: "References", value: m.references.map((r) => `<${r}>`).join(" ") }] : []),
    ...Object.entries(m.headers ?? {}).map(([name, value]) => ({ name, value })),
  ];
  return {
    id: m.id ?? `AAMk-${++n}-${crypto.randomUUID()}`,
    changeKey: "ck1",
    receivedDateTime: m.at ?? new Date(Date.UTC(2026, 10, 1, 9, n)).toISOString(),
    sentDateTime: m.at ?? new Date(Date.UTC(2026, 10, 1, 9, n)).toISOString(),
    subject: m.subject,
    bodyPreview: (m.body ?? "").slice(0, 255),
    body: { contentType: "html", content: m.body ?? `<p>${m.subject}</p>` },
    from: { emailAddress: { address: m.from ?? "jane@customer.test", name: "Jane" } },
    toRecipients: (m.to ?? [ADDRESS]).map((address) => ({ emailAddress: { address } })),
    ccRecipients: [],
    internetMessageId: `<${m.messageId}>`,
    conversationId: m.conversationId ?? null,
    internetMessageHeaders: m.sentCopy ? [] : headers,
    isRead: false,
    importance: "normal",
    hasAttachments: false,
  };
}

async function mailboxRow(id: string): Promise<Mailbox> {
  const [m] = await sql<Mailbox[]>`select * from public.mailboxes where id = ${id}`;
  return m;
}

async function page(mailboxId: string, messages: GraphMessage[], opts: Partial<Page> = {}): Promise<Page> {
  const mailbox = await mailboxRow(mailboxId);
  return {
    from: mailbox.next_link ?? mailbox.delta_link,
    rows: await Promise.all(messages.map((m) => toRow(m, ADDRESS))),
    patches: [],
    removed: [],
    bounced: new Map(),
    nextLink: null,
    deltaLink: "https://graph.test/delta?$deltatoken=1",
    ...opts,
  };
}

const ticketOf = async (messageId: string) =>
  (await sql`select ticket_id, thread_rule from public.email_messages where internet_message_id = ${messageId}`)[
    0
  ];

Deno.test("ingesting pages", async (t) => {
  const [connection] =
    await sql`insert into public.m365_connections (account_id, purpose, tenant_id, object_id)
    values (${SEEDED.helpdeskAccount}, 'read', gen_random_uuid(), gen_random_uuid()) returning id`;
  const [{ id: mailboxId }] = await sql`insert into public.mailboxes (account_id, connection_id, address)
    values (${SEEDED.helpdeskAccount}, ${connection.id}, ${ADDRESS}) returning id`;
  await beginFullSync(mailboxId);
  const ingest = async (p: Page) => ingestPage(await mailboxRow(mailboxId), p, SECRET);

  try {
    await t.step("a reply and its parent in one page, reply first: one ticket", async () => {
      const reply = graphMessage({
        messageId: "r1@customer.test",
        subject: "RE: Printer offline",
        inReplyTo: "p1@customer.test",
        at: "2026-11-01T10:05:00Z",
      });
      const parent = graphMessage({
        messageId: "p1@customer.test",
        subject: "Printer offline",
        at: "2026-11-01T10:00:00Z",
      });
      const p = await page(mailboxId, [reply, parent], {
        nextLink: "https://graph.test/delta?$skiptoken=2",
        deltaLink: null,
      });
      const result = await ingest(p);
      assert.equal(result.inserted, 2);
      assert.equal(result.ticketsCreated, 1);
      const a = await ticketOf("p1@customer.test");
      const b = await ticketOf("r1@customer.test");
      assert.ok(a.ticket_id);
      assert.equal(a.ticket_id, b.ticket_id);
      assert.equal(b.thread_rule, "in-reply-to");
      const [ticket] = await sql`select * from public.helpdesk_tickets where id = ${a.ticket_id}`;
      assert.equal(ticket.subject, "Printer offline");
      assert.equal(ticket.customer_address, "jane@customer.test");
      assert.equal(ticket.message_count, 2);
      assert.ok(ticket.number > 0);
    });

    await t.step("a page that lists a message twice writes it once (the last listing)", async () => {
      const first = graphMessage({
        id: "AAMk-twice",
        messageId: "twice@customer.test",
        subject: "Fax broken",
      });
      const again = { ...first, changeKey: "ck2", isRead: true };
      const result = await ingest(
        await page(mailboxId, [first, again], {
          nextLink: "https://graph.test/delta?$skiptoken=twice",
          deltaLink: null,
        }),
      );
      assert.equal(result.inserted, 1);
      const rows =
        await sql`select change_key, is_read from public.email_messages where graph_id = 'AAMk-twice'`;
      assert.deepEqual(rows.map((r) => [r.change_key, r.is_read]), [["ck2", true]]);
    });

    await t.step("a parent that arrives a page after its reply joins the reply's ticket", async () => {
      const reply = graphMessage({
        messageId: "r2@customer.test",
        subject: "AW: Lieferung",
        inReplyTo: "p2@customer.test",
      });
      await ingest(
        await page(mailboxId, [reply], {
          nextLink: "https://graph.test/delta?$skiptoken=3",
          deltaLink: null,
        }),
      );
      const parent = graphMessage({ messageId: "p2@customer.test", subject: "Lieferung 4471 verspätet" });
      await ingest(
        await page(mailboxId, [parent], {
          nextLink: "https://graph.test/delta?$skiptoken=4",
          deltaLink: null,
        }),
      );
      const r = await ticketOf("r2@customer.test");
      const p = await ticketOf("p2@customer.test");
      assert.equal(p.ticket_id, r.ticket_id);
      assert.equal(p.thread_rule, "answered-by");
    });

    await t.step(
      "the same page twice: the second is refused by the checkpoint, and nothing doubles",
      async () => {
        const msg = graphMessage({ messageId: "dup@customer.test", subject: "New laptop request" });
        const p = await page(mailboxId, [msg], {
          nextLink: "https://graph.test/delta?$skiptoken=5",
          deltaLink: null,
        });
        const first = await ingest(p);
        assert.equal(first.inserted, 1);
        const again = await ingest(p); // a second worker holding the same page
        assert.equal(again.superseded, true);
        const [{ rows }] =
          await sql`select count(*)::int as rows from public.email_messages where internet_message_id = 'dup@customer.test'`;
        assert.equal(rows, 1);
      },
    );

    await t.step(
      "the same message delivered again in a later page is one row (keyed by immutable id)",
      async () => {
        const msg = graphMessage({
          id: "AAMk-stable-1",
          messageId: "stable@customer.test",
          subject: "VPN token expired",
        });
        await ingest(
          await page(mailboxId, [msg], {
            nextLink: "https://graph.test/delta?$skiptoken=6",
            deltaLink: null,
          }),
        );
        const result = await ingest(
          await page(mailboxId, [msg], {
            nextLink: "https://graph.test/delta?$skiptoken=7",
            deltaLink: null,
          }),
        );
        assert.equal(result.inserted, 0);
        const [{ rows, tickets }] =
          await sql`select count(*)::int as rows, count(distinct ticket_id)::int as tickets
        from public.email_messages where graph_id = 'AAMk-stable-1'`;
        assert.deepEqual([rows, tickets], [1, 1]);
      },
    );

    await t.step("a signed id of ours threads a reply that lost In-Reply-To", async () => {
      const [{ ticket_id }] =
        await sql`select ticket_id from public.email_messages where internet_message_id = 'p1@customer.test'`;
      const ours = (await signedMessageId(ticket_id, crypto.randomUUID(), "northwindtraders.com", SECRET))
        .slice(1, -1);
      const reply = graphMessage({
        messageId: "r3@customer.test",
        subject: "Something else entirely",
        references: [ours],
      });
      await ingest(
        await page(mailboxId, [reply], {
          nextLink: "https://graph.test/delta?$skiptoken=8",
          deltaLink: null,
        }),
      );
      const r = await ticketOf("r3@customer.test");
      assert.equal(r.ticket_id, ticket_id);
      assert.equal(r.thread_rule, "signed");
    });

    await t.step("an out-of-office about nothing of ours is kept but opens no ticket", async () => {
      const oof = graphMessage({
        messageId: "oof@away.test",
        from: "away@away.test",
        subject: "Automatic reply: hello",
        headers: { "X-Auto-Response-Suppress": "All", "X-MS-Exchange-Inbox-Rules-Loop": "away@away.test" },
      });
      const result = await ingest(
        await page(mailboxId, [oof], { nextLink: "https://graph.test/delta?$skiptoken=9", deltaLink: null }),
      );
      assert.equal(result.parked, 1);
      const m = await ticketOf("oof@away.test");
      assert.equal(m.ticket_id, null);
      assert.match(m.thread_rule, /^parked/);
    });

    await t.step("work orders in subject or body are linked", async () => {
      const msg = graphMessage({
        messageId: "wo@customer.test",
        subject: "Re: WO-12345 status",
        body: "<p>see also #67890 and &#8364;</p>",
      });
      await ingest(
        await page(mailboxId, [msg], { nextLink: "https://graph.test/delta?$skiptoken=10", deltaLink: null }),
      );
      const links = await sql`select l.reference, l.source from public.email_links l
        join public.email_messages m on m.id = l.message_id where m.internet_message_id = 'wo@customer.test' order by 1`;
      assert.deepEqual(links.map((l) => l.reference), ["WO-12345", "WO-67890"]);
      assert.ok(links.every((l) => l.source === "auto"));
    });

    await t.step("the end of the full sync sweeps what it never saw; removals are soft", async () => {
      const [{ gen }] =
        await sql`select sync_generation as gen from public.mailboxes where id = ${mailboxId}`;
      // a message from an older generation, never seen in this full sync
      await sql`update public.email_messages set sync_generation = ${
        gen - 1
      } where internet_message_id = 'wo@customer.test'`;
      const last = graphMessage({ messageId: "last@customer.test", subject: "Monitor flickers" });
      const result = await ingest(await page(mailboxId, [last], { removed: [], nextLink: null }));
      assert.equal(result.roundComplete, true);
      const [swept] =
        await sql`select deleted_at from public.email_messages where internet_message_id = 'wo@customer.test'`;
      assert.ok(swept.deleted_at, "unseen in a completed full sync: deleted in the mailbox");
      const [box] =
        await sql`select sync_status, delta_link, next_link, full_sync_started_at, last_full_sync_at
        from public.mailboxes where id = ${mailboxId}`;
      assert.equal(box.sync_status, "ok");
      assert.equal(box.next_link, null);
      assert.ok(box.delta_link);
      assert.equal(box.full_sync_started_at, null);
      assert.ok(box.last_full_sync_at);
    });

    await t.step(
      "incremental rounds: partial updates merge, @removed soft-deletes, nothing else is swept",
      async () => {
        const [held] =
          await sql`select graph_id from public.email_messages where internet_message_id = 'p1@customer.test'`;
        const [gone] =
          await sql`select graph_id from public.email_messages where internet_message_id = 'last@customer.test'`;
        const incremental = await page(mailboxId, [], {
          patches: [{ graph_id: held.graph_id, is_read: true, change_key: "ck2" }],
          removed: [gone.graph_id],
          nextLink: "https://graph.test/delta?$skiptoken=11",
          deltaLink: null,
        });
        await ingest(incremental);
        const second = await ingest(
          await page(mailboxId, [], { deltaLink: "https://graph.test/delta?$deltatoken=2" }),
        );
        assert.equal(second.roundComplete, true);
        const [p1] =
          await sql`select is_read, subject, deleted_at from public.email_messages where graph_id = ${held.graph_id}`;
        assert.deepEqual(
          [p1.is_read, p1.subject, p1.deleted_at],
          [true, "Printer offline", null],
          "merged, not overwritten",
        );
        const [l] = await sql`select deleted_at from public.email_messages where graph_id = ${gone.graph_id}`;
        assert.ok(l.deleted_at);
        const [{ alive }] = await sql`select count(*)::int as alive from public.email_messages
        where mailbox_id = ${mailboxId} and deleted_at is null`;
        assert.ok(alive >= 8, "an incremental round deletes only what it says");
      },
    );

    await t.step(
      "our answers from Sent Items join the ticket whichever folder syncs first, even at once",
      async () => {
        const [{ id: sentId }] =
          await sql`insert into public.mailboxes (account_id, connection_id, address, folder)
        values (${SEEDED.helpdeskAccount}, ${connection.id}, ${ADDRESS}, 'sentitems') returning id`;
        await beginFullSync(sentId);
        const sentPage = async (messages: GraphMessage[]) => {
          const mailbox = await mailboxRow(sentId);
          return await page(sentId, messages, {
            from: mailbox.next_link ?? mailbox.delta_link,
            nextLink: null,
          });
        };
        const ingestSent = async (p: Page) => ingestPage(await mailboxRow(sentId), p, SECRET);
        const thread = (tag: string, hour: number) => {
          const customer = `${tag}@customer.test`;
          const conversationId = `CONV-${tag}`;
          const ask = graphMessage({
            messageId: `${tag}-ask@customer.test`,
            from: customer,
            subject: `Scanner jammed in room ${tag}`,
            conversationId,
            at: `2026-11-02T${String(hour).padStart(2, "0")}:00:00Z`,
          });
          const answer = graphMessage({
            messageId: `${tag}-answer@outlook.test`,
            from: ADDRESS,
            to: [customer],
            subject: `RE: Scanner jammed in room ${tag}`,
            conversationId,
            sentCopy: true,
            at: `2026-11-02T${String(hour).padStart(2, "0")}:30:00Z`,
          });
          // Exchange's report about our answer, naming it by its Message-ID.
          const ndr = graphMessage({
            messageId: `${tag}-ndr@outlook.test`,
            from: "postmaster@outlook.test",
            subject: `Undeliverable: RE: Scanner jammed in room ${tag}`,
            headers: {
              "Content-Type": "multipart/report; report-type=delivery-status",
              "Auto-Submitted": "auto-replied",
            },
            at: `2026-11-02T${String(hour).padStart(2, "0")}:31:00Z`,
          });
          return { ask, answer, ndr };
        };
        const check = async (tag: string) => {
          const ask = await ticketOf(`${tag}-ask@customer.test`);
          const answer = await ticketOf(`${tag}-answer@outlook.test`);
          assert.ok(ask.ticket_id, tag);
          assert.equal(answer.ticket_id, ask.ticket_id, `${tag}: ${answer.thread_rule}`);
          const [ticket] =
            await sql`select message_count from public.helpdesk_tickets where id = ${ask.ticket_id}`;
          return { ticket, ask, answer };
        };

        // Sent Items first: the answer waits, then the customer's mail adopts it; the bounce follows.
        const a = thread("a", 8);
        const inbox = async (messages: GraphMessage[], bounced = new Map<string, string>()) => {
          const mailbox = await mailboxRow(mailboxId);
          return {
            ...await page(mailboxId, messages, { from: mailbox.next_link ?? mailbox.delta_link }),
            bounced,
          };
        };
        await ingestSent(await sentPage([a.answer]));
        assert.equal((await ticketOf("a-answer@outlook.test")).thread_rule, "unmatched");
        await ingest(await inbox([a.ask, a.ndr], new Map([[a.ndr.id, "a-answer@outlook.test"]])));
        const first = await check("a");
        assert.equal(first.answer.thread_rule, "answer (adopted)");
        assert.equal(first.ticket.message_count, 3, "the ask, the adopted answer and the report");
        assert.equal((await ticketOf("a-ndr@outlook.test")).ticket_id, first.ask.ticket_id);

        // The Inbox first: the answer finds the ticket by its conversation.
        const b = thread("b", 10);
        await ingest(await inbox([b.ask]));
        await ingestSent(await sentPage([b.answer]));
        assert.equal((await check("b")).answer.thread_rule, "conversation");

        // The Inbox first, with a bounce of our answer: parked until the answer syncs, then filed with it.
        const d = thread("d", 9);
        await ingest(await inbox([d.ask, d.ndr], new Map([[d.ndr.id, "d-answer@outlook.test"]])));
        assert.match((await ticketOf("d-ndr@outlook.test")).thread_rule, /^parked/);
        await ingestSent(await sentPage([d.answer]));
        const late = await check("d");
        const ndr = await ticketOf("d-ndr@outlook.test");
        assert.equal(ndr.ticket_id, late.ask.ticket_id);
        assert.equal(ndr.thread_rule, "parked, then its message came");
        assert.equal(late.ticket.message_count, 3);

        // Both at once (two workers), again and again: neither page misses the other's half.
        for (let i = 0; i < 12; i++) {
          const c = thread(`c${i}`, 12 + (i % 10));
          const [pi, ps] = [await inbox([c.ask]), await sentPage([c.answer])];
          await Promise.all([ingest(pi), ingestSent(ps)]);
          await check(`c${i}`);
        }
      },
    );
  } finally {
    await sql`delete from public.helpdesk_tickets where mailbox_id = ${mailboxId}`;
    await sql`delete from public.mailboxes where address = ${ADDRESS}`;
    await sql`delete from public.m365_connections where id = ${connection.id}`;
    await sql.end();
    await pool().end();
  }
});
