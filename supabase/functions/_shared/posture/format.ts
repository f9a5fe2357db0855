// How the seeds' dashboards want numbers and dates: percentages as strings with at most one decimal
// ("56.4%", "23%"), dates as MM/DD/YYYY, sizes rounded to two decimals.

/** A share of `whole`, 0-100, to one decimal (0 when there is no whole). */
export function share(part: number, whole: number): number {
  return whole > 0 ? round(part / whole * 100, 1) : 0;
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** 56.4 -> "56.4%", 23 -> "23%". */
export function percent(value: number): string {
  return `${round(value, 1)}%`;
}

/** 2025-09-16 -> "09/16/2025" (UTC). */
export function usDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(date.getUTCMonth() + 1)}/${pad(date.getUTCDate())}/${date.getUTCFullYear()}`;
}

/** A Graph timestamp as a Date (null stays null). */
export function dateOf(value: string | null | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Bytes as mebibytes (two decimals). */
export function mebibytes(bytes: number | null): number | null {
  return bytes === null ? null : round(bytes / 1024 / 1024);
}
