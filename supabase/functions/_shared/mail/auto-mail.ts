// Mail no person wrote: out-of-office replies, other auto-replies, bounces, bulk and list mail.
// The union of what Zammad, FreeScout and Chatwoot check (helpdesk-threading note §6.4). Such
// mail still threads, but never opens a ticket on its own, never reopens one, and never gets an
// automatic answer: that is what stops ticket ping-pong. Pure.
import { idsIn } from "./message-ids.ts";

export type AutoKind = "bounce" | "out_of_office" | "auto_reply" | "bulk";

export interface AutoClass {
  kind: AutoKind | null;
  reasons: string[];
}

export type Headers = ReadonlyMap<string, string[]>;

/** Graph's internetMessageHeaders as a lower-cased name -> values map. */
export function headerMap(headers: { name: string; value: string }[] | null | undefined): Headers {
  const map = new Map<string, string[]>();
  for (const { name, value } of headers ?? []) {
    const key = name.toLowerCase();
    map.set(key, [...(map.get(key) ?? []), value]);
  }
  return map;
}

const first = (h: Headers, name: string) => h.get(name)?.[0]?.trim() ?? null;
const SYSTEM_SENDER =
  /^(mailer-daemon|postmaster|microsoftexchange[0-9a-f]*|no-?reply|noreply[^@]*|no-reply[^@]*)@/i;

export function classify(headers: Headers, from: string | null, subject = ""): AutoClass {
  const reasons: string[] = [];
  const contentType = first(headers, "content-type") ?? "";
  const autoSubmitted = first(headers, "auto-submitted")?.toLowerCase() ?? null;
  const suppress = first(headers, "x-auto-response-suppress")?.toLowerCase() ?? "";
  const sender = (from ?? "").toLowerCase();

  // Bounces first: a delivery report is also "auto-generated", but means something else.
  if (/multipart\/report/i.test(contentType) && /report-type\s*=\s*"?delivery-status/i.test(contentType)) {
    reasons.push("delivery-status report");
  }
  if (first(headers, "x-ms-exchange-message-is-ndr") !== null) reasons.push("Exchange NDR");
  if (
    first(headers, "return-path") === "<>" && /^(mailer-daemon|postmaster|microsoftexchange)/i.test(sender)
  ) {
    reasons.push("null return path from a mail system");
  }
  if (reasons.length) return { kind: "bounce", reasons };

  // Exchange: both headers together; Zimbra: "vacation"; others: auto-replied with a holiday cue.
  const exchangeOof = /\ball\b|\boof\b/.test(suppress) && headers.has("x-ms-exchange-inbox-rules-loop");
  const autoReplied = autoSubmitted?.startsWith("auto-replied") === true;
  const holidayCue =
    /vacation|out of (the )?office|abwesen|absence|automatic reply|automatische antwort/i.test(subject) ||
    /owner-email=/.test(autoSubmitted ?? "");
  if (exchangeOof || autoSubmitted === "vacation" || (autoReplied && holidayCue)) {
    reasons.push("out-of-office");
    return { kind: "out_of_office", reasons };
  }
  if (autoSubmitted && autoSubmitted !== "no") reasons.push(`Auto-Submitted: ${autoSubmitted}`);
  if (headers.has("x-autoreply") || headers.has("x-autorespond")) reasons.push("X-Autoreply");
  if (/\ball\b/.test(suppress)) reasons.push("X-Auto-Response-Suppress: All");
  if (reasons.length) return { kind: "auto_reply", reasons };

  const precedence = (first(headers, "precedence") ?? first(headers, "x-precedence") ?? "").toLowerCase();
  if (["bulk", "junk", "list", "auto_reply"].includes(precedence)) reasons.push(`Precedence: ${precedence}`);
  if (headers.has("list-id") || headers.has("list-unsubscribe")) reasons.push("mailing list");
  if (SYSTEM_SENDER.test(sender)) reasons.push("system sender");
  if (first(headers, "x-loop") !== null) reasons.push("X-Loop");
  return { kind: reasons.length ? "bulk" : null, reasons };
}

/** The Message-ID of the message a bounce is about, from its text/rfc822-headers or message/rfc822 part. */
export function bouncedMessageId(reportPart: string): string | null {
  const match = /^message-id:\s*(.+)$/im.exec(reportPart);
  return match ? idsIn(match[1])[0] ?? null : null;
}
