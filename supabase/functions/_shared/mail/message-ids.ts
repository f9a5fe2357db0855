// RFC 5322 message ids as mail really carries them: tolerant extraction from In-Reply-To and
// References, one canonical spelling for comparing, and the signed ids we put on mail we send
// ourselves, so a reply threads even when the customer's client drops In-Reply-To.

const BRACKETED = /<([^<>\s]+@[^<>\s]+)>/g;
const LOOSE = /^[^\s<>@]+@[^\s<>@]+$/;
/** A References header longer than this is truncated to its newest ids (nearest ancestors). */
export const MAX_REFERENCES = 20;

/**
 * The canonical form used for lookups: no brackets, no quotes around a plain local part, the
 * domain lower-cased. The local part keeps its case (message ids are case-sensitive).
 */
export function canonicalId(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let id = raw.trim().replace(/^<|>$/g, "").trim();
  const at = id.lastIndexOf("@");
  if (at <= 0 || at === id.length - 1) return null;
  let local = id.slice(0, at);
  const quoted = /^"([^"\\\s]+)"$/.exec(local);
  if (quoted) local = quoted[1];
  id = `${local}@${id.slice(at + 1).toLowerCase()}`;
  return /\s/.test(id) ? null : id;
}

/** Every id in a header value, in order, canonical, without repeats. */
export function idsIn(header: string | null | undefined): string[] {
  if (!header) return [];
  const found = [...header.matchAll(BRACKETED)].map((m) => canonicalId(m[1]));
  if (found.length === 0 && LOOSE.test(header.trim())) found.push(canonicalId(header));
  return [...new Set(found.filter((id): id is string => id !== null))];
}

/** In-Reply-To names one parent: the first bracketed id; the rest is often prose ("Your message of …"). */
export function parentId(inReplyTo: string | null | undefined): string | null {
  return idsIn(inReplyTo)[0] ?? null;
}

/** References without ourselves, without loops, newest (nearest ancestor) last, at most 20. */
export function referenceChain(references: string | null | undefined, self: string | null): string[] {
  return idsIn(references).filter((id) => id !== self).slice(-MAX_REFERENCES);
}

// ------------------------------------------------------------------------------------- signed ids
// <t.{ticket}.{message}.{mac}@{domain}>: ticket and message are uuids without dashes, mac is the
// first 16 bytes of HMAC-SHA256(secret, "ticket.message"), base32 lower-case.

const SIGNED = /^t\.([0-9a-f]{32})\.([0-9a-f]{32})\.([a-z2-7]{26})@/;

async function mac(secret: string, text: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const bytes = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(text))).slice(
    0,
    16,
  );
  // base32 (RFC 4648, lower-case, unpadded): safe in a Message-ID's local part
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  let bits = 0, value = 0, out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

const compact = (uuid: string) => uuid.replace(/-/g, "").toLowerCase();
const expand = (hex: string) =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

/** A Message-ID (with brackets) that names its ticket and message, and proves we made it. */
export async function signedMessageId(ticketId: string, messageId: string, domain: string, secret: string) {
  const body = `${compact(ticketId)}.${compact(messageId)}`;
  return `<t.${body}.${await mac(secret, body)}@${domain.toLowerCase()}>`;
}

/** The ticket and message a signed id names, if the signature holds. */
export async function verifySignedId(
  id: string,
  secret: string,
): Promise<{ ticketId: string; messageId: string } | null> {
  const match = SIGNED.exec(canonicalId(id) ?? "");
  if (!match) return null;
  const expected = await mac(secret, `${match[1]}.${match[2]}`);
  // constant time: the length is fixed by the pattern
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ match[3].charCodeAt(i);
  return diff === 0 ? { ticketId: expand(match[1]), messageId: expand(match[2]) } : null;
}
