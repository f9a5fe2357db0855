// Work-order links by hand (the sync links automatically by the mailbox's patterns): an agent
// links a message to a work order or removes a link; anyone in the account lists them.
import { z } from "zod";
import type { UserClaims } from "../auth.ts";
import { asUser } from "../db.ts";
import { NotFound } from "../errors.ts";
import { requireRole } from "../membership.ts";
import { canonicalReference } from "./work-orders.ts";

export const LinkRequest = z.object({
  message_id: z.uuid(),
  reference: z.string().trim().min(1).max(100).regex(
    /^[\p{L}\p{N}#._\/-]+$/u,
    "letters, digits and # . _ / - only",
  ).transform(canonicalReference), // #123 by hand is the WO-123 the sync links
});
export const LinksQuery = z.object({
  message_id: z.uuid().optional(),
  reference: z.string().trim().max(100).transform(canonicalReference).optional(),
})
  .refine((q) => q.message_id || q.reference, {
    message: "give message_id or reference",
    path: ["message_id"],
  });

async function messageAccount(claims: UserClaims, messageId: string, min: "viewer" | "agent", doing: string) {
  return await asUser(claims, async (tx) => {
    const [message] = await tx<
      { account_id: string }[]
    >`select account_id from public.email_messages where id = ${messageId}`;
    if (!message) throw new NotFound("no such message");
    await requireRole(tx, message.account_id, min, doing);
    return message.account_id;
  });
}

export async function link(claims: UserClaims, input: z.infer<typeof LinkRequest>) {
  const accountId = await messageAccount(claims, input.message_id, "agent", "link mail to work orders");
  const [row] = await asUser(
    claims,
    (tx) =>
      tx`insert into public.email_links (account_id, message_id, reference, source, created_by)
      values (${accountId}, ${input.message_id}, ${input.reference}, 'manual', ${claims.sub})
      on conflict (message_id, reference) do update set source = 'manual', created_by = excluded.created_by
      returning id, message_id, reference, source, created_at`,
  );
  return row;
}

export async function unlink(claims: UserClaims, input: z.infer<typeof LinkRequest>) {
  await messageAccount(claims, input.message_id, "agent", "unlink mail from work orders");
  const gone = await asUser(
    claims,
    (tx) =>
      tx`delete from public.email_links where message_id = ${input.message_id} and reference = ${input.reference}`,
  );
  if (gone.count === 0) throw new NotFound("no such link");
  return { message_id: input.message_id, reference: input.reference, removed: true };
}

export async function listLinks(claims: UserClaims, query: z.infer<typeof LinksQuery>) {
  return await asUser(
    claims,
    (tx) =>
      tx`select l.id, l.message_id, l.reference, l.source, l.created_by, l.created_at, e.ticket_id, e.subject
      from public.email_links l join public.email_messages e on e.id = l.message_id
      where ${
        query.message_id ? tx`l.message_id = ${query.message_id}` : tx`l.reference = ${query.reference!}`
      }
      order by l.created_at`,
  );
}
