// Pre-authenticated report downloads: the 302 from a report function points here, on the other
// loopback name (localhost <-> 127.0.0.1) so that, as with reports.office.com, the redirect crosses
// origins and clients drop the Authorization header. A link lives five minutes of emulator time.
import type { Hono } from "hono";
import { randomToken } from "../../identity/keys.ts";
import type { Runtime } from "../../runtime.ts";
import type { World } from "../../world/types.ts";

export const DOWNLOAD_LIFETIME_MS = 5 * 60_000;
const PATH = "/data/download/";

interface Download {
  tenantId: string;
  report: string;
  csv: string;
  expiresAt: number;
}

export interface DownloadRecord {
  report: string;
  tenantId: string | null;
  status: number;
  /** Whether the client sent an Authorization header to the download host. */
  authorization: boolean;
}

interface Store {
  links: Map<string, Download>;
  log: DownloadRecord[];
}

// Per world, so a reset forgets outstanding links like it forgets tokens.
const stores = new WeakMap<World, Store>();

function store(rt: Runtime): Store {
  let s = stores.get(rt.world);
  if (!s) stores.set(rt.world, s = { links: new Map(), log: [] });
  return s;
}

/** Parks a rendered report and returns its download URL. */
export function offerDownload(rt: Runtime, origin: string, d: Omit<Download, "expiresAt">): string {
  const s = store(rt);
  const now = rt.clock.now();
  for (const [token, link] of s.links) if (link.expiresAt <= now) s.links.delete(token);
  const token = randomToken("", 24);
  s.links.set(token, { ...d, expiresAt: now + DOWNLOAD_LIFETIME_MS });
  return `${downloadOrigin(origin)}${PATH}${token}`;
}

function downloadOrigin(origin: string): string {
  const url = new URL(origin);
  if (url.hostname === "localhost") url.hostname = "127.0.0.1";
  else if (url.hostname === "127.0.0.1") url.hostname = "localhost";
  return url.origin;
}

export function downloadLog(rt: Runtime): DownloadRecord[] {
  return store(rt).log;
}

/** Makes every outstanding link expired, as if the client waited too long. */
export function expireDownloads(rt: Runtime): number {
  const links = store(rt).links;
  for (const link of links.values()) link.expiresAt = rt.clock.now();
  return links.size;
}

export function downloadRoutes(app: Hono, rt: Runtime): void {
  app.get(`${PATH}:token`, (c) => {
    const s = store(rt);
    const link = s.links.get(c.req.param("token"));
    const live = link !== undefined && link.expiresAt > rt.clock.now();
    s.log.push({
      report: link?.report ?? "unknown",
      tenantId: link?.tenantId ?? null,
      status: live ? 200 : 401,
      authorization: c.req.header("Authorization") !== undefined,
    });
    if (!live) {
      // Microsoft does not document the answer; the emulator refuses like any expired signed URL.
      return c.body(null, 401, { "x-emulator-note": "the report download link expired or never existed" });
    }
    return c.body(new TextEncoder().encode(link.csv), 200, {
      "Content-Type": "application/octet-stream",
      "Content-Disposition": `attachment; filename="${link.report.replace(/^get/, "")}.csv"`,
    });
  });
}
