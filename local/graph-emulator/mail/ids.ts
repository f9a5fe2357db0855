// Exchange-shaped identifiers: REST ids (change when an item moves), immutable ids (stable in the
// mailbox), folder, attachment and conversation ids, change keys. All are opaque, case-sensitive
// base64url strings derived from a mailbox key and counters, so a seed gives the same ids.
import { Random } from "../core/random.ts";

export function b64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export function base64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function be(value: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = size - 1, v = value; i >= 0; i--, v = Math.floor(v / 256)) out[i] = v % 256;
  return out;
}

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, at), at += p.length;
  return out;
};

/** A mailbox's key: its owner's object id as base64url (22 characters, mixed case). */
export function mailboxKey(userId: string): string {
  const hex = userId.replaceAll("-", "");
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return b64url(bytes);
}

export const immutableId = (key: string, item: number) =>
  `AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A${key}AAA${b64url(be(item, 6))}`;

/** The REST id names the folder the item is in and how often it moved, so a move changes it. */
export const restId = (key: string, item: number, folderNo: number, moves: number) =>
  `AAMkA${key}BGAAA${b64url(concat(be(item, 4), be(moves, 2), be(folderNo, 2)))}AAA=`;

export const folderId = (key: string, folderNo: number) => `AQMkA${key}AuAAAB${b64url(be(folderNo, 3))}AAAA`;

export const attachmentId = (key: string, item: number, index: number) =>
  `AAMkA${key}BGAAA${b64url(be(item, 4))}BEgAQA${b64url(be(index, 3))}=`;

export const changeKey = (key: string, item: number, version: number) =>
  `CQAAABYAAA${key.slice(0, 18)}${b64url(concat(be(item % 0xffffff, 3), be(version, 3)))}`;

/** Exchange's ids look like this; anything else is answered 400 ErrorInvalidIdMalformed. */
export const WELL_FORMED_ID = /^A[A-Za-z0-9_-]{16,}={0,2}$/;

/** Sixteen bytes determined by a label (conversation GUIDs, Thread-Index roots). */
export function labelBytes(label: string, n = 16): Uint8Array {
  return new Random(label).bytes(n);
}

/** Exchange derives the conversation from the topic within one mailbox: unrelated mail with the
 * same subject shares it, the same thread in another mailbox does not (notes helpdesk §2.3). */
export function conversationId(key: string, topic: string): string {
  return `AAQkA${key}AQA${b64url(labelBytes(`conversation/${key}/${topic}`))}=`;
}

/** Thread-Index: 22-byte header (reserved byte, 5 time bytes, GUID) plus 5 bytes per reply. */
export function threadIndexRoot(guidLabel: string, at: number): string {
  const filetime = BigInt(at + 11_644_473_600_000) * 10_000n;
  const time = new Uint8Array(5);
  for (let i = 0; i < 5; i++) time[i] = Number((filetime >> BigInt(8 * (7 - i))) & 0xffn);
  return base64(concat(new Uint8Array([1]), time, labelBytes(`thread/${guidLabel}`)));
}

export function threadIndexChild(parent: string, parentAt: number, at: number): string {
  const bytes = Uint8Array.from(atob(parent), (c) => c.charCodeAt(0));
  const delta = Math.max(0, Math.floor((at - parentAt) / 1000));
  return base64(concat(bytes, be(delta * 8, 4), new Uint8Array([delta % 256])));
}
