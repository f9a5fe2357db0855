// CSV as Microsoft's report downloads write it: a UTF-8 byte order mark, a header row, CRLF line
// ends, dates as YYYY-MM-DD, booleans as True/False, empty cells for nulls, quotes only when needed.

export type Cell = string | number | boolean | null;

const BOM = "\uFEFF";

function cell(value: Cell): string {
  if (value === null) return "";
  if (typeof value === "boolean") return value ? "True" : "False";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function renderCsv(columns: readonly string[], rows: readonly Cell[][]): string {
  return BOM + [columns, ...rows].map((row) => row.map(cell).join(",")).join("\r\n") + "\r\n";
}

/** `2025-12-30` */
export function reportDate(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString().slice(0, 10);
}
