// Work-order references in mail (WO-12345, #12345, or a mailbox's own patterns). Pure.

/** The work orders `text` mentions, as WO-<number>, for patterns whose first group is the number. */
export function workOrderRefs(text: string, patterns: readonly string[]): string[] {
  const found = new Set<string>();
  for (const pattern of patterns) {
    let regex: RegExp;
    try {
      regex = new RegExp(pattern, "giu");
    } catch {
      continue; // a broken pattern in the mailbox's settings must not stop the sync
    }
    for (const match of text.matchAll(regex)) {
      if (match[1]) found.add(`WO-${match[1].replace(/^0+(?=\d)/, "")}`);
    }
  }
  return [...found];
}

/** A reference as links store it: a work order however it is written (#123, wo-0123) is WO-123. */
export function canonicalReference(reference: string): string {
  const number = /^(?:WO-?|#)0*(\d+)$/i.exec(reference)?.[1];
  return number === undefined ? reference : `WO-${number}`;
}

/** The visible text of sanitized mail HTML, for matching. */
export function visibleText(html: string): string {
  return html.replace(/<(style|script)[^>]*>[\s\S]*?<\/\1>/gi, " ").replace(/<[^>]+>/g, " ")
    .replace(/&nbsp;/g, " ").replace(/&amp;/g, "&").replace(/\s+/g, " ");
}
