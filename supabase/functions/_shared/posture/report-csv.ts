// Microsoft 365 usage reports arrive as CSV downloads: a UTF-8 byte order mark, a header row, CRLF
// line ends, quotes only where a cell needs them. Rows become objects keyed by the header names.

export type ReportRow = Record<string, string>;

function cells(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') cell += text[++i];
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += ch;
  }
  if (cell !== "" || row.length) rows.push([...row, cell]);
  return rows;
}

export function parseReport(text: string): ReportRow[] {
  const [header, ...rows] = cells(text.replace(/^\uFEFF/, ""));
  if (!header) return [];
  return rows
    .filter((r) => r.some((c) => c !== ""))
    .map((r) => Object.fromEntries(header.map((name, i) => [name.trim(), r[i] ?? ""])));
}

/** A number cell; empty cells (no data) are null. */
export function numberCell(row: ReportRow | undefined, column: string): number | null {
  const raw = row?.[column];
  if (raw === undefined || raw === "") return null;
  const value = Number(raw);
  return Number.isFinite(value) ? value : null;
}
