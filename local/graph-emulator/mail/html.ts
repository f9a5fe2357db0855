// Body conversions Exchange does when it serves a message: unsafe HTML removed unless
// `Prefer: outlook.allow-unsafe-html`, HTML ↔ text on `Prefer: outlook.body-content-type`, and the
// 255-character text bodyPreview. Remote images stay: Outlook does not remove them.

/** Removes script elements, event-handler attributes and javascript: URLs (Exchange's safe HTML). */
export function safeHtml(html: string): string {
  return html
    .replace(/<script\b[\s\S]*?<\/script\s*>/gi, "")
    .replace(/<script\b[^>]*\/?>/gi, "")
    .replace(/\s+on[a-z]+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, "")
    .replace(/(href|src)\s*=\s*(["'])\s*javascript:[^"']*\2/gi, "$1=$2#$2");
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

export function htmlToText(html: string): string {
  return html
    .replace(/<(head|style|script)\b[\s\S]*?<\/\1\s*>/gi, "")
    .replace(/<br\s*\/?>/gi, "\r\n")
    .replace(/<\/(p|div|tr|li|h[1-6]|blockquote)>/gi, "\r\n")
    .replace(/<[^>]+>/g, "")
    .replace(
      /&(#\d+|[a-z]+);/gi,
      (m, e: string) =>
        e.startsWith("#") ? String.fromCodePoint(Number(e.slice(1))) : ENTITIES[e.toLowerCase()] ?? m,
    )
    .replace(/[ \t]+\r\n/g, "\r\n")
    .replace(/(\r\n){3,}/g, "\r\n\r\n")
    .trim();
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** How Exchange wraps a text body when asked for HTML. */
export function textToHtml(text: string): string {
  const body = escapeHtml(text).replace(/\r?\n/g, "<br>\r\n");
  return `<html>\r\n<head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\r\n</head>\r\n<body>\r\n<div>${body}</div>\r\n</body>\r\n</html>\r\n`;
}

/** bodyPreview: the first 255 characters of the text, whitespace collapsed. */
export function preview(text: string): string {
  return text.replace(/\s+/g, " ").trim().slice(0, 255);
}
