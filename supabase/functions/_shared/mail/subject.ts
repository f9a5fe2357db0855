// Base subjects: RFC 5256 §2.1 extended with localized reply/forward prefixes, Exchange and
// anti-virus banners, and help-desk hooks (helpdesk-threading note §3.3). Pure.
// Graph's `subject` is already RFC 2047-decoded, so decoding is not repeated here.

// Reply/forward prefixes in many languages. Short ones only count when a colon follows and
// something is left over ("VS Code: …" keeps its "VS").
const PREFIXES = [
  "re",
  "fw",
  "fwd",
  "aw",
  "wg",
  "sv",
  "vs",
  "vb",
  "vl",
  "antw",
  "antwort",
  "doorst",
  "rv",
  "r",
  "res",
  "enc",
  "rif",
  "i",
  "tr",
  "réf",
  "ref",
  "odp",
  "pd",
  "ynt",
  "ilt",
  "fs",
  "atb",
  "απ",
  "σχετ",
  "προθ",
  "回复",
  "答复",
  "回覆",
  "转发",
  "轉寄",
  "返信",
  "転送",
  "رد",
  "הועבר",
  "תגובה",
];
const PREFIX = new RegExp(`^(?:${PREFIXES.join("|")})\\s*(?:\\[\\d+\\]|\\(\\d+\\))?\\s*:\\s*`, "iu");
// Banners mail gateways put in front: [EXTERNAL], *** SPAM ***, [Caution: External] ...
const BANNER =
  /^(?:\[(?:external|ext|spam|caution:? external|warning:? external)\]|\*{2,3}\s*spam\s*\*{2,3})\s*/iu;
const HOOK = /^\[(?:ticket#\s*|#)(\d+)\]\s*/iu;
const BLOB = /^\[[^\]]*\]\s*/u;
const TRAILER = /\s*\(fwd\)\s*$/iu;
const FWD_WRAPPER = /^\[fwd:\s*(.*)\]$/iu;

// Subjects too generic to tie two messages together on their own.
const GENERIC = new Set([
  "",
  "test",
  "hello",
  "hi",
  "question",
  "help",
  "invoice",
  "(no subject)",
  "no subject",
  "request",
  "info",
  "information",
  "update",
  "urgent",
  "issue",
  "problem",
  "support",
  "inquiry",
  "enquiry",
  "thanks",
  "thank you",
]);
const MIN_MATCHABLE = 4;

export interface BaseSubject {
  /** What is left once prefixes, wrappers, banners and hooks are gone, as the sender wrote it. */
  base: string;
  /** Case-folded `base`, for comparing. */
  key: string;
  /** A reply or forward prefix or wrapper was removed: the sender answered something. */
  isReplyOrForward: boolean;
  /** Ticket numbers found in `[Ticket#123]` / `[#123]` hooks. */
  hooks: number[];
  /** Specific enough to match on when nothing better is known. */
  matchable: boolean;
}

export function baseSubject(subject: string | null | undefined): BaseSubject {
  let text = (subject ?? "").normalize("NFKC").replace(/[\r\n\t]+/g, " ").replace(/\s+/g, " ").trim();
  let isReplyOrForward = false;
  const hooks: number[] = [];
  for (let changed = true; changed;) {
    changed = false;
    const before = text;
    if (TRAILER.test(text)) {
      text = text.replace(TRAILER, "");
      isReplyOrForward = true;
    }
    const wrapped = FWD_WRAPPER.exec(text);
    if (wrapped) {
      text = wrapped[1].trim();
      isReplyOrForward = true;
    }
    const banner = BANNER.exec(text);
    if (banner && text.length > banner[0].length) text = text.slice(banner[0].length);
    const prefix = PREFIX.exec(text);
    if (prefix && text.length > prefix[0].length) {
      text = text.slice(prefix[0].length);
      isReplyOrForward = true;
    }
    // A leading [blob] goes if something is left; a ticket hook is read before it goes.
    const blob = BLOB.exec(text);
    if (blob && !FWD_WRAPPER.test(text) && text.length > blob[0].length) {
      const hook = HOOK.exec(text);
      if (hook) hooks.push(Number(hook[1]));
      text = text.slice(blob[0].length);
    }
    text = text.trim();
    changed = text !== before;
  }
  const key = text.toLowerCase();
  return {
    base: text,
    key,
    isReplyOrForward,
    hooks,
    matchable: key.length >= MIN_MATCHABLE && !GENERIC.has(key),
  };
}

/** The subject of our reply: `Re: ` and the base subject of the latest inbound message, never stacked. */
export function replySubject(latestInbound: string | null | undefined): string {
  const { base } = baseSubject(latestInbound);
  return base ? `Re: ${base}` : "Re:";
}
