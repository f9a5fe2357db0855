// Mail sync: the first sync of a 20,000-message mailbox from the emulator into Postgres through
// the real sync-emails function (queued and woken as pg_cron does), against the seeds' approach
// run in the same bench (the same delta pages, then select + insert or update one row at a time).
// Prints messages/s, Graph requests per message beside the minimum ⌈N / page⌉ + 1 (counted at the
// emulator), and database round trips per page (pg_stat_statements); then an incremental round of
// the unchanged mailbox: Graph requests and rows written. Medians of 3 runs. The baseline files no
// tickets; ours does (threading, new tickets, work-order links) in the same run.
import postgres from "postgres";
import { delegatedGraph } from "../supabase/functions/_shared/graph.ts";
import { GraphMessage, MESSAGE_FIELDS, toRow } from "../supabase/functions/_shared/mail/graph-message.ts";
import { emulatedUsers, emulator, envVar, freshAccount, ordinaryMember } from "../tests/support/stack.ts";
import { folderIds, watchMailbox } from "../tests/support/mail.ts";
import { median, round, summaryLine } from "./support.ts";

const N = 20_000;
const RUNS = 3;
const PAGE = 500; // MAIL_SYNC_PAGE_SIZE's default, which the gateway's function uses
const CONTOSO = "b7a3c1e2-4d5f-4a6b-8c9d-0e1f2a3b4c5d";

const sql = postgres(envVar("SUPABASE_DB_URL"), { max: 4, onnotice: () => {} });
// The bench's own queries go as the cluster admin, so the round trips counted are the function's.
const admin = postgres(envVar("SUPABASE_DB_URL").replace(/\/\/[^@]+@/, "//supabase_admin:postgres@"), {
  max: 2,
  onnotice: () => {},
});

const [person] = (await emulatedUsers("contoso", ordinaryMember)).slice(2, 3);
const upn = person.userPrincipalName.toLowerCase();
const have = (await folderIds(CONTOSO, upn)).size;
if (have < N) await emulator(`mail/mailboxes/${upn}/fill`, { body: { messages: N - have } });
const size = (await folderIds(CONTOSO, upn)).size;

const { accountId, session } = await freshAccount(sql, "bench-sync");
const box = await watchMailbox(session, accountId, upn, upn);
const mailboxRequests = async () => ((await emulator("counters")).graph.byMailbox[person.id] ?? 0) as number;
const functionCalls = async () =>
  Number(
    (await admin`select coalesce(sum(calls), 0) as n from extensions.pg_stat_statements
      where userid = 'postgres'::regrole`)[0].n,
  );

/** Queue the mailbox's sync and wake the worker, as the schedule does; wait for the job. */
async function syncThroughFunction() {
  const [{ id }] = await admin`select private.enqueue_mail_sync(${box.inbox}) as id`;
  await admin`select private.wake_worker('sync-emails')`;
  for (;;) {
    const [job] = await admin`select status, result, last_error from private.jobs where id = ${id}`;
    if (job.status === "done") return job.result as Record<string, number | boolean>;
    if (job.status === "dead") throw new Error(`the sync died: ${job.last_error}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function forget() {
  await admin`delete from public.email_messages where mailbox_id = ${box.inbox}`;
  await admin`delete from public.helpdesk_tickets where account_id = ${accountId}`;
  await admin`update public.mailboxes set delta_link = null, next_link = null where id = ${box.inbox}`;
}

await syncThroughFunction(); // the sync that watching starts: warms the function up

const ours: { seconds: number; requests: number; pages: number; calls: number }[] = [];
for (let run = 0; run < RUNS; run++) {
  await forget();
  await admin`select extensions.pg_stat_statements_reset()`;
  const requestsBefore = await mailboxRequests();
  const started = performance.now();
  const result = await syncThroughFunction();
  const seconds = (performance.now() - started) / 1000;
  if (result.inserted !== size) {
    throw new Error(`synced ${result.inserted} of ${size}: ${JSON.stringify(result)}`);
  }
  ours.push({
    seconds,
    requests: (await mailboxRequests()) - requestsBefore,
    pages: result.pages as number,
    calls: await functionCalls(),
  });
}

// An unchanged mailbox: what one incremental round costs.
const beforeIncremental = await mailboxRequests();
const incremental = await syncThroughFunction();
const incrementalRequests = (await mailboxRequests()) - beforeIncremental;
const rowsWritten = Number(incremental.inserted) + Number(incremental.updated) + Number(incremental.removed);

// The seeds' approach: the same delta pages, each message looked up, then inserted or updated alone.
await forget();
const baselineStarted = performance.now();
const graph = delegatedGraph({ id: box.readConnection, account_id: accountId }, Date.now() + 600_000);
const baselineRequestsBefore = await mailboxRequests();
let url: string | undefined = `/users/${
  encodeURIComponent(upn)
}/mailFolders/inbox/messages/delta?$select=${MESSAGE_FIELDS}`;
let baselinePages = 0;
let baselineCalls = 0;
let baselineMessages = 0;
while (url) {
  const page = await graph.client.api(url).header("Prefer", `odata.maxpagesize=${PAGE}, IdType="ImmutableId"`)
    .get();
  baselinePages++;
  for (const item of page.value ?? []) {
    const r = await toRow(GraphMessage.parse(item), upn);
    const [found] =
      await sql`select id from public.email_messages where mailbox_id = ${box.inbox} and graph_id = ${r.graph_id}`;
    if (found) {
      await sql`update public.email_messages set subject = ${r.subject}, is_read = ${r.is_read},
        change_key = ${r.change_key} where id = ${found.id}`;
    } else {
      await sql`insert into public.email_messages (account_id, mailbox_id, graph_id, change_key, internet_message_id,
          conversation_id, in_reply_to, reference_ids, subject, subject_key, body_preview, body_html, from_address,
          from_name, to_recipients, cc_recipients, received_at, sent_at, has_attachments, is_read, importance,
          direction, auto_kind, content_hash)
        values (${accountId}, ${box.inbox}, ${r.graph_id}, ${r.change_key}, ${r.internet_message_id},
          ${r.conversation_id}, ${r.in_reply_to}, ${r.reference_ids}, ${r.subject}, ${r.subject_key},
          ${r.body_preview}, ${r.body_html}, ${r.from_address}, ${r.from_name}, ${
        sql.json(r.to_recipients as never)
      },
          ${
        sql.json(r.cc_recipients as never)
      }, ${r.received_at}, ${r.sent_at}, ${r.has_attachments}, ${r.is_read},
          ${r.importance}, ${r.direction}, ${r.auto_kind}, ${r.content_hash})`;
    }
    baselineCalls += 2;
    baselineMessages++;
  }
  url = page["@odata.nextLink"];
}
const baselineSeconds = (performance.now() - baselineStarted) / 1000;
const baselineRequests = (await mailboxRequests()) - baselineRequestsBefore;
// Gone with its account: a mailbox left watched would be synced again by the schedule, in the next run.
await admin`delete from public.accounts where id = ${accountId}`;
await sql.end();
await admin.end();

const rate = median(ours.map((r) => size / r.seconds));
const baselineRate = baselineMessages / baselineSeconds;
const minimum = Math.ceil(size / PAGE) + 1;
const requests = median(ours.map((r) => r.requests));
const tripsPerPage = median(ours.map((r) => r.calls / r.pages));
console.log(`mailbox: ${size} messages, pages of ${PAGE}`);
console.log(
  `first sync through sync-emails: ${ours.map((r) => round(size / r.seconds, 0)).join(", ")} msg/s; ` +
    `the seeds' row-at-a-time: ${round(baselineRate, 0)} msg/s (${round(rate / baselineRate)}x)`,
);
console.log(
  `Graph requests: ${ours.map((r) => r.requests).join(", ")} (${round(requests / size, 4)}/message); ` +
    `minimum ⌈N/page⌉+1 = ${minimum}; baseline ${baselineRequests}`,
);
console.log(
  `database round trips per page: ${ours.map((r) => round(r.calls / r.pages)).join(", ")}; ` +
    `baseline ${round(baselineCalls / baselinePages)}`,
);
console.log(`incremental, unchanged: ${incrementalRequests} Graph request(s), ${rowsWritten} rows written`);
console.log(summaryLine("sync", {
  messages: size,
  msg_per_s: round(rate, 0),
  baseline_msg_per_s: round(baselineRate, 0),
  ratio: round(rate / baselineRate),
  graph_requests: requests,
  graph_requests_min: minimum,
  graph_requests_per_msg: round(requests / size, 4),
  baseline_graph_requests: baselineRequests,
  db_round_trips_per_page: round(tripsPerPage),
  baseline_db_round_trips_per_page: round(baselineCalls / baselinePages),
  incremental_graph_requests: incrementalRequests,
  incremental_rows_written: rowsWritten,
}));
