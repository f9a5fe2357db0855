// Matches Graph paths to endpoints: case-insensitive literals, case-preserving parameters, OData
// key syntax (`users('id')` = `users/id`), and `/me` as an alias of `/users/{user}`.
import type { Endpoint } from "./endpoint.ts";

export interface Route {
  endpoint: Endpoint;
  /** `/users/{user}` or `/me`: what counters and fault rules call it. */
  pattern: string;
  me: boolean;
  segments: RegExp[];
  params: string[];
  regex: RegExp;
}

export type RouteMatch =
  | { kind: "found"; route: Route; params: Record<string, string> }
  | { kind: "method"; allowed: string[] }
  | { kind: "none"; segment: string };

const ME_PREFIX = "/users/{user}";

export class RouteTable {
  #routes: Route[] = [];

  add(endpoint: Endpoint): void {
    this.#routes.push(compile(endpoint, endpoint.path, false));
    if (endpoint.path.startsWith(ME_PREFIX)) {
      this.#routes.push(compile(endpoint, `/me${endpoint.path.slice(ME_PREFIX.length)}`, true));
    }
  }

  get routes(): readonly Route[] {
    return this.#routes;
  }

  match(method: string, path: string): RouteMatch {
    const allowed: string[] = [];
    for (const route of this.#routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      if (route.endpoint.method !== method) {
        allowed.push(route.endpoint.method);
        continue;
      }
      const params: Record<string, string> = {};
      route.params.forEach((name, i) => params[name] = m[i + 1]);
      return { kind: "found", route, params };
    }
    return allowed.length
      ? { kind: "method", allowed }
      : { kind: "none", segment: this.#unknownSegment(path) };
  }

  /** The first segment no endpoint knows, as Graph names it in "Resource not found for the segment". */
  #unknownSegment(path: string): string {
    const segs = path.split("/").filter(Boolean);
    let known = 0;
    for (const r of this.#routes) {
      let k = 0;
      while (k < segs.length && k < r.segments.length && r.segments[k].test(segs[k])) k++;
      known = Math.max(known, k);
    }
    return segs[Math.min(known, segs.length - 1)] ?? "";
  }
}

/** Decodes segments, rewrites `name('key')` to `name/key`, drops a trailing slash. */
export function normalizePath(rawPath: string): string {
  const decoded = rawPath.split("/").map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  }).join("/");
  const keyed = decoded.replace(
    /\/([A-Za-z.]+)\('((?:[^']|'')*)'\)(?=\/|$)/g,
    (_, name, key) => `/${name}/${key.replaceAll("''", "'")}`,
  );
  return keyed.length > 1 ? keyed.replace(/\/+$/, "") : keyed;
}

function compile(endpoint: Endpoint, pattern: string, me: boolean): Route {
  const params: string[] = [];
  const segmentSource = (seg: string, capture: boolean) =>
    seg.split(/\{(\w+)\}/).map((part, i) => {
      if (i % 2 === 0) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      if (capture) params.push(part);
      return capture ? "([^/]+)" : "[^/]+";
    }).join("");
  const segs = pattern.split("/").filter(Boolean);
  return {
    endpoint,
    pattern,
    me,
    params,
    segments: segs.map((seg) => new RegExp(`^${segmentSource(seg, false)}$`, "i")),
    regex: new RegExp(`^/${segs.map((seg) => segmentSource(seg, true)).join("/")}$`, "i"),
  };
}
