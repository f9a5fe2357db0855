// The sync worker (the sync-emails function's own drain) in a process of its own, so a test can
// SIGKILL it mid-sync as the platform kills an overrunning function. Args: job kind, budget seconds.
import { drainMailboxSyncs } from "../../supabase/functions/_shared/mail/mailbox-sync.ts";

const [kind, seconds] = Deno.args;
console.log(JSON.stringify(await drainMailboxSyncs(Number(seconds) * 1000, kind)));
Deno.exit(0);
