// Mail test helpers: a watched mailbox set up the way a customer would (OAuth connections, then
// the mailboxes function), the sync worker run through the gateway, and the emulator's ground
// truth read back through Graph itself with an app-only token.
import { clientCredentialsToken } from "../../supabase/functions/_shared/oauth.ts";
import { DEFAULT_APP } from "../../local/graph-emulator/defaults.ts";
import { connectMailbox, emulator, envVar, eventually, invoke, SECRET_KEY } from "./stack.ts";
import type postgres from "postgres";

export interface WatchedMailbox {
  inbox: string;
  sentItems: string | null;
  readConnection: string;
  writeConnection: string;
}

/** Connect `upn` for reading and writing, and watch `address` (Inbox, and Sent Items if asked). */
export async function watchMailbox(
  session: string,
  account: string,
  upn: string,
  address: string,
  options: { sentItems?: boolean; scope?: "account" | "personal" } = {},
): Promise<WatchedMailbox> {
  const connection = async (purpose: "read" | "write") => {
    const result = await connectMailbox(session, {
      account_id: account,
      purpose,
      scope: options.scope ?? "account",
      login_hint: upn,
    });
    const id = result.appRedirect?.searchParams.get("connection_id");
    if (!id) throw new Error(`connecting ${upn} failed: ${result.appRedirect?.search}`);
    return id;
  };
  const readConnection = await connection("read");
  const writeConnection = await connection("write");
  const watch = async (folder: string) => {
    const res = await invoke("mailboxes", {
      session,
      body: {
        account_id: account,
        connection_id: readConnection,
        send_connection_id: writeConnection,
        address,
        folder,
      },
    });
    if (res.status !== 200) throw new Error(`mailboxes: ${JSON.stringify(res.body)}`);
    return res.body.data.mailbox_id as string;
  };
  const inbox = await watch("inbox");
  const sentItems = options.sentItems ? await watch("sentitems") : null;
  return { inbox, sentItems, readConnection, writeConnection };
}

/** Run the sync worker (as pg_cron's wake-up would) until the mailbox's latest job has finished. */
export async function syncUntilDone(sql: postgres.Sql, mailboxId: string, timeoutMs = 120_000) {
  return await eventually(`the sync of ${mailboxId}`, async () => {
    await invoke("sync-emails", { apikey: SECRET_KEY, body: {} });
    const [job] = await sql<{ status: string; result: Record<string, unknown>; last_error: string | null }[]>`
      select status, result, last_error from private.jobs where dedup_key = ${`sync-emails:${mailboxId}`}
      order by id desc limit 1`;
    if (job?.status === "dead") throw new Error(`the sync died: ${job.last_error}`);
    return job?.status === "done" ? job : undefined;
  }, timeoutMs);
}

let appTokens: Record<string, Promise<string>> = {};
/** An app-only Graph token for an emulated tenant (the default app is consented everywhere). */
export function appToken(tenantId: string): Promise<string> {
  appTokens[tenantId] ??= clientCredentialsToken(envVar("LOGIN_BASE_URL"), {
    tenantId,
    clientId: DEFAULT_APP.clientId,
    clientSecret: DEFAULT_APP.clientSecret,
  }).then((t) => t.accessToken);
  return appTokens[tenantId];
}
export function forgetAppTokens() {
  appTokens = {};
}

/**
 * A Graph call as the app in a tenant (what a customer or colleague does in their own mailbox).
 * Throttling and outages are waited out, as any client does, so ground truth survives injected faults.
 */
export async function graphAs(
  tenantId: string,
  path: string,
  init: { method?: string; body?: unknown } = {},
  // deno-lint-ignore no-explicit-any
): Promise<any> {
  for (let attempt = 1;; attempt++) {
    const res = await fetch(
      new URL(path.startsWith("http") ? path : `/v1.0${path}`, envVar("GRAPH_BASE_URL")),
      {
        method: init.method ?? "GET",
        headers: {
          authorization: `Bearer ${await appToken(tenantId)}`,
          prefer: 'IdType="ImmutableId"',
          ...(init.body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      },
    );
    const text = await res.text();
    if ([429, 503, 504].includes(res.status) && attempt < 10) {
      await new Promise((r) => setTimeout(r, Number(res.headers.get("retry-after") ?? 0.2) * 1000));
      continue;
    }
    if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }
}

/** Every message id (immutable) in a mailbox folder, as the emulator holds them. */
export async function folderIds(tenantId: string, address: string, folder = "inbox"): Promise<Set<string>> {
  const ids = new Set<string>();
  let url: string | undefined = `/users/${
    encodeURIComponent(address)
  }/mailFolders/${folder}/messages?$select=id&$top=1000`;
  while (url) {
    const page: { value: { id: string }[]; "@odata.nextLink"?: string } = await graphAs(tenantId, url);
    page.value.forEach((m) => ids.add(m.id));
    url = page["@odata.nextLink"];
  }
  return ids;
}

export interface Fixture {
  name: string;
  tenantId: string;
  mailbox: string;
  messages: { internetMessageId: string; subject: string; copies: { mailbox: string; id: string }[] }[];
}

export async function fixtures(mailbox: string): Promise<Map<string, Fixture>> {
  const all = await emulator("mail/fixtures") as Fixture[];
  return new Map(all.filter((f) => f.mailbox === mailbox).map((f) => [f.name, f]));
}
