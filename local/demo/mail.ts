// LOCAL ONLY. Demo chapter: the help desk answers Fabrikam's shared support mailbox. Every sync
// goes through the job queue (a queued de-duplicated job, pg_net's wake-up, the sync-emails
// worker); a customer's mail becomes a ticket, an agent answers it through Graph, and the
// customer's answer joins the same ticket.
import type postgres from "postgres";
import { canonicalId } from "../../supabase/functions/_shared/mail/message-ids.ts";
import { call, clientFor, connect, HELPDESK } from "./connections.ts";
import { outcome, show, title, waitFor } from "./narrate.ts";

const DESK = { address: "support@fabrikam.com", microsoftUser: "admin@fabrikam.onmicrosoft.com" };
// Outside every emulated tenant: Microsoft sends our answer out (the emulator's outbound log).
const CUSTOMER = { name: "Jonas Becker", address: "jonas.becker@proseware.com" };

// deno-lint-ignore no-explicit-any
async function emulator(path: string, body?: unknown): Promise<any> {
  const res = await fetch(new URL(`/_emulator/${path}`, Deno.env.get("EMULATOR_URL")), {
    method: body === undefined ? "GET" : "POST",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`emulator ${path}: ${res.status} ${await res.text()}`);
  return await res.json();
}

/** Graph requests Microsoft counted for one mailbox (each $batch item on its own). */
async function countedFor(mailboxUserId: string): Promise<number> {
  return (await emulator("counters")).graph.byMailbox[mailboxUserId] ?? 0;
}

export interface MailChapterOptions {
  /** The help desk (default: the seeded Northwind Support and its owner). */
  account?: string;
  owner?: { id: string; email: string };
  /**
   * Later rounds run pg_cron's own `sync-mailboxes` command, which queues every enabled mailbox
   * (in the demo's fresh database, only these). Off: queue this desk's alone, beside others' data.
   */
  cronCommand?: boolean;
}

export async function mailChapter(sql: postgres.Sql, options: MailChapterOptions = {}) {
  const account = options.account ?? HELPDESK.account;
  const nina = await clientFor(options.owner ?? HELPDESK.owner);
  title(`Northwind Support answers Fabrikam's ${DESK.address}: mail sync, tickets, a reply, the answer`);

  const read = await connect(nina, "read", { account, microsoftUser: DESK.microsoftUser });
  const write = await connect(nina, "write", { account, microsoftUser: DESK.microsoftUser });
  if (!read || !write) return outcome(`connecting ${DESK.microsoftUser}`, false);
  const [{ id: deskUserId }] = (await emulator("mail/mailboxes") as { id: string; address: string }[])
    .filter((m) => m.address === DESK.address);
  const mailboxes: Record<string, string> = {};
  const ids = () => Object.values(mailboxes);

  /** `trigger` queues the sync and pg_net wakes the worker; wait until both folders' jobs are done. */
  const syncRound = async (why: string, trigger: () => Promise<unknown>) => {
    const [{ now: since }] = await sql<{ now: Date }[]>`select now()`;
    const countedBefore = await countedFor(deskUserId);
    await trigger();
    const jobs = await waitFor(async () => {
      const rows = await sql<{ status: string; finished_at: Date | null; last_error: string | null }[]>`
        select distinct on (dedup_key) status, finished_at, last_error from private.jobs
        where dedup_key = any(${ids().map((id) => `sync-emails:${id}`)}) order by dedup_key, id desc`;
      const settled = rows.length === ids().length &&
        rows.every((j) => j.status === "dead" || (j.status === "done" && j.finished_at! >= since));
      return settled ? rows : undefined;
    }, 120_000);
    const [{ requests }] = await sql<{ requests: number }[]>`
      select count(*)::int as requests from public.api_call_logs
      where account_id = ${account} and connection_id = ${read} and service = 'graph' and created_at >= ${since}`;
    const ok = Boolean(jobs?.every((j) => j.status === "done"));
    const seconds = ok
      ? (Math.max(...jobs!.map((j) => j.finished_at!.getTime())) - since.getTime()) / 1000
      : NaN;
    show(
      `${why}: ${ok ? `synced in ${seconds.toFixed(1)} s` : "NOT synced"}, ${requests} Graph requests ` +
        `(Microsoft counted ${(await countedFor(deskUserId)) - countedBefore}, each $batch item apart)`,
    );
    if (!ok) show(`jobs: ${JSON.stringify(jobs ?? "still running after 120 s")}`);
    return { ok, seconds, requests };
  };
  /** What pg_cron runs every 15 minutes. */
  const scheduled = async () => {
    if (options.cronCommand ?? true) {
      const [job] = await sql<
        { command: string }[]
      >`select command from cron.job where jobname = 'sync-mailboxes'`;
      await sql.unsafe(job.command);
    } else {
      await sql`select private.enqueue_mail_sync(id) from unnest(${ids()}::uuid[]) as id`;
      await sql`select private.wake_worker('sync-emails')`;
    }
  };
  const counts = async () => {
    const [m] = await sql<{ messages: number; inbound: number; outbound: number }[]>`
      select count(*)::int as messages, count(*) filter (where direction = 'inbound')::int as inbound,
        count(*) filter (where direction = 'outbound')::int as outbound
      from public.email_messages where mailbox_id = any(${ids()}::uuid[]) and deleted_at is null`;
    const [t] = await sql<{ tickets: number; threads: number }[]>`
      select count(*)::int as tickets, count(*) filter (where message_count > 1)::int as threads
      from public.helpdesk_tickets where mailbox_id = any(${ids()}::uuid[])`;
    return { ...m, ...t };
  };

  // 1. Watching the folders queues their first sync: the same de-duplicated job pg_cron queues.
  const first = await syncRound(
    "first sync (mailboxes -> queued jobs -> pg_net -> sync-emails)",
    async () => {
      for (const folder of ["inbox", "sentitems"]) {
        const saved = await call<{ mailbox_id: string; sync_job_id: string }>(nina, "mailboxes", {
          body: {
            account_id: account,
            connection_id: read,
            send_connection_id: write,
            address: DESK.address,
            folder,
          },
        });
        mailboxes[folder] = saved.mailbox_id;
        show(`mailboxes: watching ${DESK.address} ${folder}; sync job ${saved.sync_job_id} queued`);
      }
    },
  );
  const history = await counts();
  show(
    `${history.messages} messages (${history.inbound} from customers, ${history.outbound} our answers), ` +
      `${history.tickets} tickets, ${history.threads} of them threads of more than one message`,
  );
  const busiest = await sql<{ number: number; subject: string; message_count: number; status: string }[]>`
    select number, subject, message_count, status from public.helpdesk_tickets
    where mailbox_id = any(${ids()}::uuid[]) order by message_count desc, number limit 3`;
  for (const t of busiest) {
    show(`  ticket #${t.number} "${t.subject}": ${t.message_count} messages, ${t.status}`);
  }
  outcome(
    "first mail sync through the job queue",
    first.ok && history.tickets > 0,
    `${history.messages} messages, ${history.tickets} tickets, ${history.threads} threads, ` +
      `${first.seconds.toFixed(1)} s, ${first.requests} Graph requests`,
  );

  // 2. A customer writes in; pg_cron's next round makes it a ticket and links its work order.
  const subject = `Etikettendrucker im Lager druckt nicht (${new Date().toISOString().slice(11, 19)})`;
  await emulator("mail/inject", {
    from: CUSTOMER,
    to: DESK.address,
    subject,
    text: "Guten Tag, der Etikettendrucker im Lager druckt seit heute Morgen nicht mehr. Auftrag WO-20417.",
  });
  show(`${CUSTOMER.address} mails ${DESK.address}: "${subject}"`);
  await syncRound("pg_cron's sync-mailboxes command", scheduled);
  const [ticket] = await sql<{ id: string; number: number; status: string; links: string[] }[]>`
    select t.id, t.number, t.status, array(select l.reference from public.email_links l
      join public.email_messages e on e.id = l.message_id where e.ticket_id = t.id) as links
    from public.helpdesk_tickets t where t.mailbox_id = any(${ids()}::uuid[]) and t.subject = ${subject}`;
  outcome("the customer's mail became a ticket", Boolean(ticket), ticket ? `#${ticket.number}` : "none");
  if (!ticket) return;
  show(
    `ticket #${ticket.number} (${ticket.status}), linked to ${ticket.links.join(", ") || "no work order"}`,
  );

  // 3. An agent answers with send-email: createReply -> send, from the shared mailbox.
  const reply = await call<{ method: string; internet_message_id: string; status: string }>(
    nina,
    "send-email",
    {
      body: {
        ticket_id: ticket.id,
        body_text:
          "Guten Tag Herr Becker, bitte starten Sie den Drucker einmal neu; wir schauen uns WO-20417 an.",
      },
    },
  );
  const sent = await waitFor(async () => {
    const log = await emulator("mail/outbound") as {
      id: string;
      internetMessageId: string;
      inReplyTo: string;
    }[];
    return log.find((o) => canonicalId(o.internetMessageId) === canonicalId(reply.internet_message_id));
  }, 10_000);
  show(
    `send-email: ${reply.method} through Graph, ticket now ${reply.status}; ` +
      (sent
        ? `Microsoft sent it to ${CUSTOMER.address}, In-Reply-To ${sent.inReplyTo}`
        : "nothing left Microsoft"),
  );
  outcome("the agent's reply went out through Graph", Boolean(sent), reply.internet_message_id);
  if (!sent) return;

  // 4. The customer answers in their own mail client; the next round files it on the same ticket.
  await emulator("mail/customer-reply", {
    outboundId: sent.id,
    text: "Danke, nach dem Neustart geht es wieder.",
  });
  show(`${CUSTOMER.address} answers`);
  const answer = await waitFor(async () => {
    await syncRound("pg_cron's sync-mailboxes command", scheduled);
    const [row] = await sql<{ ticket_id: string; thread_rule: string }[]>`
      select ticket_id, thread_rule from public.email_messages
      where mailbox_id = ${mailboxes.inbox} and in_reply_to = ${canonicalId(reply.internet_message_id)}`;
    return row;
  }, 30_000);
  const [after] = await sql<{ status: string; message_count: number }[]>`
    select status, message_count from public.helpdesk_tickets where id = ${ticket.id}`;
  if (answer) {
    show(
      `the answer joined ticket #${ticket.number} (by ${answer.thread_rule}): ${after.message_count} messages, ${after.status}`,
    );
  }
  outcome(
    "the customer's answer joined the same ticket",
    answer?.ticket_id === ticket.id,
    `#${ticket.number}`,
  );

  const total = await counts();
  show(
    `mail: ${total.messages} messages, ${total.tickets} tickets, ${total.threads} threads; the first sync took ` +
      `${first.seconds.toFixed(1)} s and ${first.requests} Graph requests ` +
      `(${(history.messages / Math.max(first.requests, 1)).toFixed(0)} messages per request)`,
  );
}
