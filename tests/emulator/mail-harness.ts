// Helpers for the mail tests: the mail state behind a harness, a support mailbox's id, fixtures by
// name, and tokens for the default app.
import { MAIL, type MailState } from "../../local/graph-emulator/mail/state.ts";
import type { Fixture } from "../../local/graph-emulator/mail/world/writer.ts";
import { appToken, graph, type Harness, withEmulator } from "./harness.ts";
import type { EmulatorOptions } from "../../local/graph-emulator/emulator.ts";

export function mailState(h: Harness): MailState {
  return MAIL.get(h.emulator.world);
}

/** Runs the body against a fresh emulator and stops the mail plugin's background work after. */
export function withMail(fn: (h: Harness) => Promise<void>, opts?: EmulatorOptions): () => Promise<void> {
  return withEmulator(async (h) => {
    try {
      await fn(h);
    } finally {
      mailState(h).stop();
    }
  }, opts);
}

export function mailboxId(h: Harness, address: string): string {
  for (const m of mailState(h).store.mailboxes.values()) if (m.address === address) return m.user.id;
  throw new Error(`no mailbox ${address}`);
}

export function fixture(h: Harness, name: string, mailbox = "support@contoso.com"): Fixture {
  const f = mailState(h).world.fixtures.find((x) => x.name === name && x.mailbox === mailbox);
  if (!f) throw new Error(`no fixture ${name} in ${mailbox}`);
  return f;
}

/** The fixture message's id in `mailbox` (immutable id). */
export function copyId(f: Fixture, index: number, mailbox = f.mailbox): string {
  const copy = f.messages[index].copies.find((c) => c.mailbox === mailbox);
  if (!copy) throw new Error(`fixture ${f.name} message ${index} has no copy in ${mailbox}`);
  return copy.id;
}

export async function getJson<T = Record<string, unknown>>(
  h: Harness,
  path: string,
  token: string,
  headers: HeadersInit = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const r = await graph(h, path, token, { headers });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : undefined) as T, headers: r.headers };
}

export const IMMUTABLE = { Prefer: 'IdType="ImmutableId"' };

export { appToken };
