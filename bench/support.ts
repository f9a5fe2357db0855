// What every benchmark shares: medians, Graph request counts read at the emulator, and the one
// summary line `bench <name>: key=value ...` that ./dev bench and CI logs are read by.
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Total Graph requests the emulator has served (its counters), or 0 if it keeps none yet. */
export async function graphRequestTotal(): Promise<number> {
  const base = Deno.env.get("EMULATOR_URL");
  if (!base) return 0;
  const res = await fetch(new URL("/_emulator/counters", base));
  if (!res.ok) {
    await res.body?.cancel();
    return 0;
  }
  const counters = await res.json() as { graph?: { requests?: number } };
  return counters.graph?.requests ?? 0;
}

export function summaryLine(name: string, figures: Record<string, number | string>): string {
  return `bench ${name}: ` + Object.entries(figures).map(([k, v]) => `${k}=${v}`).join(" ");
}
