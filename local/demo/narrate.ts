// LOCAL ONLY. How the demo talks: numbered chapters, indented facts, and a summary of outcomes.
export const summary: [string, boolean, string][] = [];

let chapter = 0;
export function title(text: string) {
  console.log(`\n\x1b[1m${++chapter}. ${text}\x1b[0m`);
}

export function show(text: string) {
  console.log(`  ${text}`);
}

export function outcome(what: string, ok: boolean, detail = "") {
  summary.push([what, ok, detail]);
  show(`${ok ? "ok" : "FAILED"}: ${what}${detail ? ` (${detail})` : ""}`);
}

export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
}
