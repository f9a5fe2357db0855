// The sync worker (the sync-emails function's own drain) in a process of its own, so a test can
// SIGKILL it mid-sync as the platform kills an overrunning function. Args: job kind, budget seconds,
// and optionally a mailbox id: once that mailbox's first page is written, the worker hears what the
// Edge Runtime dispatches at its CPU soft limit ("beforeunload", reason "cpu").
import { drainMailboxSyncs } from "../../supabase/functions/_shared/mail/mailbox-sync.ts";
import { connect } from "./stack.ts";

const [kind, seconds, stopAfterFirstPageOf] = Deno.args;
if (stopAfterFirstPageOf) announceStopAfterFirstPage(stopAfterFirstPageOf);
console.log(JSON.stringify(await drainMailboxSyncs(Number(seconds) * 1000, kind)));
Deno.exit(0);

async function announceStopAfterFirstPage(mailboxId: string) {
  const sql = connect();
  for (;;) {
    const [m] = await sql`select next_link from public.mailboxes where id = ${mailboxId}`;
    if (m.next_link !== null) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  dispatchEvent(new CustomEvent("beforeunload", { detail: { reason: "cpu" } }));
}
