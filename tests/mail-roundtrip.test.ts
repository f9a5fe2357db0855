// A help desk's round trip across two emulated tenants, through the gateway and the real
// functions: a Contoso customer mails Tailspin Toys' support mailbox, the sync makes a ticket, an
// agent answers with send-email, the customer's Outlook receives it with proper headers and
// answers, and the answer joins the same ticket. Then what must fail, fails cleanly; and with the
// original gone, the MIME fallback's signed Message-ID still brings the customer back.
import assert from "node:assert/strict";
import { canonicalId, verifySignedId } from "../supabase/functions/_shared/mail/message-ids.ts";
import {
  connect,
  emulatedUsers,
  emulator,
  envVar,
  eventually,
  freshAccount,
  invoke,
  ordinaryMember,
  sessionFor,
} from "./support/stack.ts";
import { appToken, graphAs, syncUntilDone, watchMailbox } from "./support/mail.ts";

const sql = connect();
const CONTOSO = "b7a3c1e2-4d5f-4a6b-8c9d-0e1f2a3b4c5d";
const TAILSPIN = "e4d3c2b1-a0f9-4e8d-b7c6-5a4b3c2d1e0f";
const SUPPORT = "support@tailspintoys.com";

interface Header {
  name: string;
  value: string;
}
const header = (headers: Header[], name: string) =>
  headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value ?? null;

/** A message in a mailbox's Inbox by its Message-ID, once it has arrived. */
async function arrived(tenant: string, mailbox: string, internetMessageId: string) {
  return await eventually(`${internetMessageId} in ${mailbox}`, async () => {
    const page = await graphAs(
      tenant,
      `/users/${
        encodeURIComponent(mailbox)
      }/mailFolders/inbox/messages?$select=id,subject,internetMessageId,internetMessageHeaders&$top=1000`,
    );
    return (page.value as {
      id: string;
      subject: string;
      internetMessageId: string;
      internetMessageHeaders: Header[];
    }[])
      .find((m) => canonicalId(m.internetMessageId) === canonicalId(internetMessageId));
  }, 30_000);
}

Deno.test("a help desk's round trip across two tenants", async (t) => {
  const { accountId, session } = await freshAccount(sql, "mail-roundtrip");
  const desk = await watchMailbox(session, accountId, "admin@tailspintoys.onmicrosoft.com", SUPPORT, {
    sentItems: true,
  });
  const [customer] = (await emulatedUsers("contoso", ordinaryMember)).slice(-1);
  const customerAddress = customer.userPrincipalName.toLowerCase();
  const customerName = customerAddress.split("@")[0];
  // The emulator's mailbox outlives a run: every run's mail is its own.
  const tag = crypto.randomUUID().slice(0, 8);
  const subject = `Espresso machine leaking (${tag})`;
  const sync = async () => {
    for (const id of [desk.inbox, desk.sentItems!]) {
      await sql`select private.enqueue_mail_sync(${id})`;
      await syncUntilDone(sql, id);
    }
  };
  const ticketRow = async (id: string) =>
    (await sql`select status, message_count, last_activity_at from public.helpdesk_tickets where id = ${id}`)[
      0
    ];
  const reply = (body: Record<string, unknown>, as = session) =>
    invoke("send-email", {
      session: as,
      body: body.body_html || body.body_text ? body : { body_text: "We are on it.", ...body },
    });

  let ticketId = "";
  let askedId = "";
  try {
    await t.step("a customer's mail becomes a ticket", async () => {
      askedId = `<${crypto.randomUUID()}@contoso.com>`;
      // sendMail with MIME so we know the Message-ID the help desk will see.
      const mime = [
        `From: ${customerName} <${customerAddress}>`,
        `To: Tailspin Support <${SUPPORT}>`,
        `Subject: ${subject}`,
        `Message-ID: ${askedId}`,
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "Hello, our espresso machine leaks since Monday. Order WO-48213.",
      ].join("\r\n");
      const res = await fetch(
        new URL(`/v1.0/users/${encodeURIComponent(customerAddress)}/sendMail`, envVar("GRAPH_BASE_URL")),
        {
          method: "POST",
          headers: {
            authorization: `Bearer ${await appToken(CONTOSO)}`,
            "content-type": "text/plain",
          },
          body: btoa(mime),
        },
      );
      assert.equal(res.status, 202, await res.text());
      await arrived(TAILSPIN, SUPPORT, askedId);
      await sync();
      const [m] = await sql`select ticket_id, direction, thread_rule from public.email_messages
        where mailbox_id = ${desk.inbox} and internet_message_id = ${canonicalId(askedId)}`;
      assert.equal(m.direction, "inbound");
      assert.equal(m.thread_rule, "new");
      ticketId = m.ticket_id;
      const [ticket] = await sql`select subject, customer_address, status, number from public.helpdesk_tickets
        where id = ${ticketId}`;
      assert.equal(ticket.subject, subject);
      assert.equal(ticket.customer_address, customerAddress);
      assert.equal(ticket.status, "open");
      const links = await sql`select reference from public.email_links l join public.email_messages m
        on m.id = l.message_id where m.ticket_id = ${ticketId}`;
      assert.deepEqual(links.map((l) => l.reference), ["WO-48213"]);
    });

    await t.step("what may not be sent is refused, and the ticket stays as it was", async () => {
      const before = await ticketRow(ticketId);
      const viewer = {
        id: crypto.randomUUID(),
        email: `viewer-${crypto.randomUUID().slice(0, 6)}@tests.test`,
      };
      await sql`insert into auth.users (id, email, aud, role) values (${viewer.id}, ${viewer.email}, 'authenticated', 'authenticated')`;
      await sql`insert into public.account_members (account_id, user_id, role) values (${accountId}, ${viewer.id}, 'viewer')`;
      const asViewer = await reply({ ticket_id: ticketId }, await sessionFor(viewer));
      assert.equal(asViewer.status, 403, JSON.stringify(asViewer.body));

      const bad = await reply({ ticket_id: ticketId, to: ["not an address"] });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error, /not an email address: not an address/);

      await sql`update public.mailboxes set send_connection_id = null where id = ${desk.inbox}`;
      const unwired = await reply({ ticket_id: ticketId });
      await sql`update public.mailboxes set send_connection_id = ${desk.writeConnection} where id = ${desk.inbox}`;
      assert.equal(unwired.status, 409);
      assert.equal(unwired.body.error_code, "write_connection_required");

      // Microsoft fails the send itself, past the SDK's retries.
      const drafts = async () =>
        (await graphAs(TAILSPIN, `/users/${SUPPORT}/mailFolders/drafts/messages?$select=id&$top=1000`)).value
          .length;
      const draftsBefore = await drafts();
      const fault = await emulator("faults", {
        body: { path: "/users/*/messages/*/send", method: "POST", status: 503, retryAfter: 0.1, count: 10 },
      });
      const failed = await reply({ ticket_id: ticketId });
      await emulator(`faults/${fault.id}`, { method: "DELETE" });
      assert.equal(failed.status, 502, JSON.stringify(failed.body));
      assert.equal(failed.body.error_code, "microsoft_unavailable");
      assert.ok(failed.headers.get("retry-after"));
      assert.equal(await drafts(), draftsBefore, "no half-written draft left behind");

      assert.deepEqual(await ticketRow(ticketId), before, "the ticket is unchanged");
      const [{ outbound }] = await sql`select count(*)::int as outbound from public.email_messages
        where ticket_id = ${ticketId} and direction = 'outbound'`;
      assert.equal(outbound, 0);
    });

    let answerId = "";
    await t.step("the agent's answer reaches the customer's Outlook as a reply to their mail", async () => {
      const res = await reply({
        ticket_id: ticketId,
        body_html: "<p>Please send a photo.</p><script>x()</script>",
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.data.method, "reply");
      assert.equal(res.body.data.status, "pending");
      answerId = res.body.data.internet_message_id;
      const received = await arrived(CONTOSO, customerAddress, answerId);
      assert.equal(canonicalId(header(received.internetMessageHeaders, "In-Reply-To")), canonicalId(askedId));
      assert.match(
        header(received.internetMessageHeaders, "References") ?? "",
        new RegExp(canonicalId(askedId)!),
      );
      assert.match(
        received.subject,
        new RegExp(`^(\\[EXTERNAL\\] )?RE: ${subject.replace(/[()]/g, "\\$&")}$`, "i"),
      );

      const [ours] = await sql`select ticket_id, direction, body_html, thread_rule from public.email_messages
        where account_id = ${accountId} and internet_message_id = ${answerId}`;
      assert.equal(ours.ticket_id, ticketId);
      assert.equal(ours.direction, "outbound");
      assert.doesNotMatch(ours.body_html, /<script/);
      assert.equal((await ticketRow(ticketId)).status, "pending");
    });

    await t.step(
      "the customer answers in Outlook: the same ticket, open again; our answer is one row",
      async () => {
        const received = await arrived(CONTOSO, customerAddress, answerId);
        await graphAs(
          CONTOSO,
          `/users/${encodeURIComponent(customerAddress)}/messages/${received.id}/reply`,
          {
            method: "POST",
            body: { comment: "Photo attached. It drips from the steam wand." },
          },
        );
        await eventually("the customer's answer at the desk", async () => {
          await sync();
          const rows = await sql`select ticket_id, thread_rule from public.email_messages
          where mailbox_id = ${desk.inbox} and in_reply_to = ${answerId}`;
          return rows[0];
        }).then((row) => {
          assert.equal(row.ticket_id, ticketId);
          assert.equal(row.thread_rule, "in-reply-to");
        });
        const ticket = await ticketRow(ticketId);
        assert.equal(ticket.status, "open", "the customer's answer reopens the wait");
        assert.equal(ticket.message_count, 3);
        const copies = await sql`select mailbox_id, graph_id from public.email_messages
        where account_id = ${accountId} and internet_message_id = ${answerId}`;
        assert.equal(copies.length, 1, "the Sent Items copy is the row send-email recorded");
        assert.equal(copies[0].mailbox_id, desk.sentItems);
      },
    );

    await t.step(
      "with the customer's mail gone, the reply goes as MIME with a signed id that still threads",
      async () => {
        const [asked] = await sql`select graph_id from public.email_messages
        where mailbox_id = ${desk.inbox} and ticket_id = ${ticketId} and direction = 'inbound'
        order by received_at desc limit 1`;
        await emulator(`mail/mailboxes/${SUPPORT}/messages/${asked.graph_id}`, { method: "DELETE" });
        const res = await reply({ ticket_id: ticketId, body_text: "Replacement seal is on its way." });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal(res.body.data.method, "mime");
        const signed = res.body.data.internet_message_id as string;
        assert.equal(
          (await verifySignedId(signed, envVar("MESSAGE_ID_SECRET")))?.ticketId,
          ticketId,
          "our Message-ID names the ticket, signed",
        );
        await arrived(CONTOSO, customerAddress, signed);

        // The customer's client keeps only References, and they change the subject.
        await emulator("mail/inject", {
          body: {
            to: SUPPORT,
            from: customerAddress,
            subject: `Seal question ${tag}`,
            text: "Which seal size is it?",
            references: [`<${signed}>`],
          },
        });
        const row = await eventually("the customer's answer to the MIME reply", async () => {
          await sync();
          return (await sql`select ticket_id, thread_rule from public.email_messages
          where mailbox_id = ${desk.inbox} and subject = ${`Seal question ${tag}`}`)[0];
        });
        assert.equal(row.ticket_id, ticketId);
        assert.equal(row.thread_rule, "signed");
        const copies = await sql`select graph_id from public.email_messages
        where account_id = ${accountId} and internet_message_id = ${signed}`;
        assert.equal(copies.length, 1, "the synced Sent Items copy took the place of our record");
        assert.doesNotMatch(copies[0].graph_id, /^sent:/);
      },
    );
  } finally {
    await sql.end();
  }
});
