// Mail HTML as agents may see it: no scripts, styles, event handlers or javascript: links, and no
// remote images (they are trackers: they tell the sender who read the mail, and when). Inline
// (cid:) and embedded (data:) images stay.
// @ts-types="npm:@types/sanitize-html@2.16.2"
import sanitizeHtml from "sanitize-html";

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags, "img", "span", "font", "center"],
  allowedAttributes: {
    a: ["href", "name", "title"],
    img: ["src", "alt", "title", "width", "height"],
    td: ["colspan", "rowspan", "align", "valign"],
    th: ["colspan", "rowspan", "align", "valign"],
    table: ["width", "border", "cellpadding", "cellspacing"],
    font: ["color", "size"],
  },
  allowedSchemes: ["https", "http", "mailto", "tel"],
  allowedSchemesByTag: { img: ["cid", "data"] },
  allowProtocolRelative: false,
  // an <img> whose remote source was removed is dropped entirely
  exclusiveFilter: (frame) => frame.tag === "img" && !frame.attribs.src,
};

export function sanitizeMailHtml(html: string | null | undefined): string {
  return html ? sanitizeHtml(html, OPTIONS) : "";
}

/** Plain text as safe HTML (for text bodies and agents' plain replies). */
export function textToHtml(text: string): string {
  const escaped = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return `<div>${escaped.replace(/\r?\n/g, "<br>")}</div>`;
}
