// Syncing one mailbox folder with Graph delta: page by page from the saved checkpoint, each page
// written with its checkpoint in one transaction (ingest.ts). Microsoft expiring the delta token
// (410 SyncStateNotFound) starts a full sync, which creates no duplicates because rows are keyed
// by immutable id. When the time budget runs out the job is handed back; the checkpoint is safe.
import { GraphError } from "@microsoft/microsoft-graph-client";
import { sql } from "../db.ts";
import { env } from "../env.ts";
import { Unauthorized } from "../errors.ts";
import { batch, BATCH_LIMIT } from "../graph-batch.ts";
import { delegatedGraph } from "../graph.ts";
import { drain, type Outcome } from "../jobs.ts";
import { bouncedMessageId } from "./auto-mail.ts";
import {
  GraphMessage,
  isComplete,
  MESSAGE_FIELDS,
  type MessageRow,
  toPatch,
  toRow,
} from "./graph-message.ts";
import { beginFullSync, ingestPage, type Mailbox, type Page } from "./ingest.ts";

const IMMUTABLE_IDS = 'IdType="ImmutableId"';
/** Stop starting pages when less than this is left of the budget (a page is fetched and written). */
const PAGE_RESERVE_MS = 8_000;

export interface SyncSummary {
  mailbox_id: string;
  pages: number;
  inserted: number;
  updated: number;
  removed: number;
  tickets_created: number;
  threaded: number;
  parked: number;
  links: number;
  full_sync: boolean;
  complete: boolean;
}

const mailboxPath = (m: Mailbox) => `/users/${encodeURIComponent(m.address)}`;

function initialDeltaUrl(m: Mailbox): string {
  return `${mailboxPath(m)}/mailFolders/${
    encodeURIComponent(m.folder)
  }/messages/delta?$select=${MESSAGE_FIELDS}`;
}

function isSyncStateGone(error: unknown): boolean {
  return error instanceof GraphError &&
    (error.statusCode === 410 || /syncstatenotfound|resyncrequired/i.test(error.code ?? ""));
}

/** The whole messages a partial delta entry stands for, fetched 20 to a $batch. */
async function fetchWhole(
  client: ReturnType<typeof delegatedGraph>["client"],
  m: Mailbox,
  ids: string[],
  deadline: number,
): Promise<GraphMessage[]> {
  const found: GraphMessage[] = [];
  for (let i = 0; i < ids.length; i += BATCH_LIMIT) {
    const results = await batch(
      client,
      ids.slice(i, i + BATCH_LIMIT).map((id, n) => ({
        id: String(n),
        url: `${mailboxPath(m)}/messages/${encodeURIComponent(id)}?$select=${MESSAGE_FIELDS}`,
        headers: { Prefer: IMMUTABLE_IDS },
      })),
      { deadline },
    );
    for (const r of results.values()) {
      if (r.status === 200) found.push(GraphMessage.parse(r.body));
      // 404: deleted since the delta said it changed; the next round reports the removal
      else if (r.status !== 404) {
        throw new Error(`Graph answered ${r.status} when fetching a changed message`);
      }
    }
  }
  return found;
}

/** For each bounce: the Message-ID of the mail that bounced, from its delivery report. */
async function bouncedIds(
  client: ReturnType<typeof delegatedGraph>["client"],
  m: Mailbox,
  rows: MessageRow[],
  deadline: number,
): Promise<Map<string, string>> {
  const bounces = rows.filter((r) => r.auto_kind === "bounce" && r.has_attachments).slice(0, BATCH_LIMIT);
  const found = new Map<string, string>();
  if (!bounces.length) return found;
  const results = await batch(
    client,
    bounces.map((r, n) => ({
      id: String(n),
      url: `${mailboxPath(m)}/messages/${encodeURIComponent(r.graph_id)}/attachments`,
    })),
    { deadline },
  );
  for (const [n, r] of results) {
    const parts = (r.body as { value?: { contentType?: string; contentBytes?: string }[] })?.value ?? [];
    for (const part of parts) {
      if (!/rfc822/i.test(part.contentType ?? "") || !part.contentBytes) continue;
      const text = new TextDecoder().decode(Uint8Array.from(atob(part.contentBytes), (c) => c.charCodeAt(0)));
      const id = bouncedMessageId(text);
      if (id) found.set(bounces[Number(n)].graph_id, id);
    }
  }
  return found;
}

async function loadMailbox(mailboxId: string) {
  const [row] = await sql()<(Mailbox & { connection_status: string })[]>`
    select m.*, c.status as connection_status
    from public.mailboxes m join public.m365_connections c on c.id = m.connection_id where m.id = ${mailboxId}`;
  return row;
}

async function recordFailure(mailboxId: string, error: Error) {
  await sql()`update public.mailboxes set sync_status = 'error', last_error = ${error.message.slice(0, 1000)},
    error_count = error_count + 1 where id = ${mailboxId}`;
}

type Graph = ReturnType<typeof delegatedGraph>["client"];

/** One delta page from `from` (null: the start of a full sync), made into rows, patches and removals. */
async function readPage(
  client: Graph,
  mailbox: Mailbox,
  from: string | null,
  deadline: number,
): Promise<Page> {
  const response: { value?: unknown[]; "@odata.nextLink"?: string; "@odata.deltaLink"?: string } =
    await client
      .api(from ?? initialDeltaUrl(mailbox))
      .header("Prefer", `odata.maxpagesize=${env().MAIL_SYNC_PAGE_SIZE}, ${IMMUTABLE_IDS}`)
      .get();
  const items = (response.value ?? []).map((v) => GraphMessage.parse(v));
  const removed = items.filter((i) => i["@removed"]).map((i) => i.id);
  const present = items.filter((i) => !i["@removed"]);
  const partial = present.filter((i) => !isComplete(i));
  const heldIds = partial.length
    ? new Set((await sql()<{ graph_id: string }[]>`select graph_id from public.email_messages
        where mailbox_id = ${mailbox.id} and graph_id = any(${partial.map((p) => p.id)})`).map((r) =>
      r.graph_id
    ))
    : new Set<string>();
  const whole = [
    ...present.filter(isComplete),
    ...await fetchWhole(
      client,
      mailbox,
      partial.filter((p) => !heldIds.has(p.id)).map((p) => p.id),
      deadline,
    ),
  ];
  const rows = await Promise.all(whole.map((w) => toRow(w, mailbox.address)));
  return {
    from,
    rows,
    patches: partial.filter((p) => heldIds.has(p.id)).map(toPatch),
    removed,
    bounced: await bouncedIds(client, mailbox, rows, deadline),
    nextLink: response["@odata.nextLink"] ?? null,
    deltaLink: response["@odata.deltaLink"] ?? null,
  };
}

/** Sync one mailbox folder until its delta round is complete, the budget is spent or the worker must stop. */
export async function syncMailbox(
  mailboxId: string,
  deadline: number,
  stopping: AbortSignal,
): Promise<Outcome> {
  const mailbox = await loadMailbox(mailboxId);
  if (!mailbox || !mailbox.enabled) {
    return { done: { mailbox_id: mailboxId, skipped: "no such enabled mailbox" } };
  }
  if (mailbox.connection_status !== "active") {
    const error = new Unauthorized("the mailbox's Microsoft 365 connection needs to be authorized again");
    await recordFailure(mailboxId, error);
    return { done: { mailbox_id: mailboxId, skipped: error.message } };
  }
  const { client, log, failure } = delegatedGraph(
    { id: mailbox.connection_id, account_id: mailbox.account_id },
    deadline,
  );
  const signing = env().MESSAGE_ID_SECRET ?? null;
  const summary: SyncSummary = {
    mailbox_id: mailboxId,
    pages: 0,
    inserted: 0,
    updated: 0,
    removed: 0,
    tickets_created: 0,
    threaded: 0,
    parked: 0,
    links: 0,
    full_sync: false,
    complete: false,
  };
  let cursor = mailbox.next_link ?? mailbox.delta_link;
  // The next page is read while this one is written: Graph's time hides behind the database's.
  let reading: Promise<Page> | null = null;
  const readAhead = (from: string) => {
    reading = readPage(client, mailbox, from, deadline);
    reading.catch(() => {}); // its failure surfaces when it is awaited
  };
  try {
    if (cursor === null) {
      await beginFullSync(mailboxId);
      summary.full_sync = true;
    }
    while (true) {
      if (stopping.aborted || deadline - Date.now() < PAGE_RESERVE_MS) return { release: summary };
      let page: Page;
      try {
        page = await (reading ?? readPage(client, mailbox, cursor, deadline));
      } catch (error) {
        if (!isSyncStateGone(error)) throw error;
        // Microsoft dropped the sync state: start over; rows are keyed by immutable id, so no duplicates.
        await beginFullSync(mailboxId);
        summary.full_sync = true;
        cursor = null;
        reading = null;
        continue;
      }
      reading = null;
      if (page.nextLink && !stopping.aborted && deadline - Date.now() >= 2 * PAGE_RESERVE_MS) {
        readAhead(page.nextLink);
      }
      const written = await ingestPage(mailbox, page, signing);
      if (written.superseded) return { done: { ...summary, superseded: true } };
      summary.pages++;
      summary.inserted += written.inserted;
      summary.updated += written.updated;
      summary.removed += written.removed;
      summary.tickets_created += written.ticketsCreated;
      summary.threaded += written.threaded;
      summary.parked += written.parked;
      summary.links += written.links;
      if (written.roundComplete) return { done: { ...summary, complete: true } };
      cursor = page.nextLink;
    }
  } catch (error) {
    const failed = failure(error, "syncing the mailbox");
    await recordFailure(mailboxId, failed);
    // Retrying cannot help until someone connects again; the mailbox shows why.
    if (failed instanceof Unauthorized) return { done: { ...summary, skipped: failed.message } };
    throw failed;
  } finally {
    await (reading as Promise<Page> | null)?.catch(() => {}); // an unused read-ahead still logs its call
    await log.flush(sql()).catch(() => {});
  }
}

/** The sync worker: queued mailboxes side by side, each one job, so a broken one fails and backs off alone. */
export async function drainMailboxSyncs(budgetMs: number, kind = "sync-emails") {
  return await drain<{ mailbox_id: string }>(
    sql(),
    { kind, budgetMs, batch: 4, concurrency: 2 },
    (job, ctx) => syncMailbox(job.payload.mailbox_id, ctx.deadline, ctx.stopping),
  );
}
