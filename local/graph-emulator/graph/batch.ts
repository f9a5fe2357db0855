// POST /v1.0/$batch (notes §6): up to 20 items, unique ids, dependsOn in the supported shapes, each
// item run through the same dispatch as a direct request with the envelope's Authorization.
import type { Runtime } from "../runtime.ts";
import { OUTLOOK } from "../throttle/classes.ts";
import { dispatch, errorResult, type GraphRequest, type GraphResponse, VERSION_PREFIX } from "./dispatch.ts";
import { badRequest, GraphError } from "./errors.ts";
import { ODATA_JSON } from "./http.ts";
import { authenticate } from "./principal.ts";
import { normalizePath } from "./router.ts";

export const BATCH_LIMIT = 20;
/** Graph hands at most this many items of one batch to Outlook at a time. */
export const OUTLOOK_BATCH_PARALLELISM = 4;

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  dependsOn: string[];
}

interface ItemResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

export async function runBatch(rt: Runtime, outer: GraphRequest): Promise<GraphResponse> {
  rt.counters.graph.batchRequests++;
  const requestId = crypto.randomUUID();
  const clientRequestId = outer.headers.get("client-request-id") ?? requestId;
  try {
    authenticate(rt, outer.authorization, outer.url.origin);
    const items = parseItems(outer.body);
    const responses = await execute(rt, outer, items);
    return {
      status: 200,
      body: { responses: rt.random.shuffle(responses) },
      requestId,
      clientRequestId,
    };
  } catch (e) {
    return { ...errorResult(e, requestId, clientRequestId, rt.clock.now()), requestId, clientRequestId };
  }
}

function parseItems(body: unknown): BatchItem[] {
  const invalid = () => badRequest("Invalid batch payload format.");
  const requests = (body as { requests?: unknown } | undefined)?.requests;
  if (!Array.isArray(requests)) throw invalid();
  if (requests.length > BATCH_LIMIT) throw badRequest("Number of requests inside batch exceeds the limit.");
  const items = requests.map((r): BatchItem => {
    if (typeof r !== "object" || r === null) throw invalid();
    const { id, method, url, headers, body, dependsOn } = r as Record<string, unknown>;
    if (typeof id !== "string" || !id || typeof method !== "string" || typeof url !== "string") {
      throw invalid();
    }
    if (headers !== undefined && (typeof headers !== "object" || headers === null)) throw invalid();
    if (
      dependsOn !== undefined && (!Array.isArray(dependsOn) || dependsOn.some((d) => typeof d !== "string"))
    ) {
      throw invalid();
    }
    const h = Object.fromEntries(
      Object.entries((headers ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
    );
    if (body !== undefined && !Object.keys(h).some((k) => k.toLowerCase() === "content-type")) {
      throw badRequest(`Write request id : ${id} does not contain Content-Type header or body.`);
    }
    return {
      id,
      method: method.toUpperCase(),
      url,
      headers: h,
      body,
      dependsOn: (dependsOn ?? []) as string[],
    };
  });
  const ids = new Set<string>();
  for (const item of items) {
    if (ids.has(item.id.toLowerCase())) {
      throw badRequest(`Request id '${item.id}' is not unique within the batch.`);
    }
    ids.add(item.id.toLowerCase());
  }
  checkDependencies(items);
  return items;
}

/** Only the documented shapes: all parallel, one serial chain, or all depending on one request. */
function checkDependencies(items: BatchItem[]): void {
  const ids = new Set(items.map((i) => i.id.toLowerCase()));
  for (const item of items) {
    for (const d of item.dependsOn) {
      if (!ids.has(d.toLowerCase())) {
        throw badRequest(`Request '${item.id}' depends on unknown request '${d}'.`);
      }
    }
  }
  const dependent = items.filter((i) => i.dependsOn.length > 0);
  if (dependent.length === 0) return;
  const serial = items.every((item, i) =>
    i === 0
      ? item.dependsOn.length === 0
      : item.dependsOn.length === 1 && same(item.dependsOn[0], items[i - 1].id)
  );
  const root = dependent[0].dependsOn[0];
  const rootItem = items.find((i) => same(i.id, root));
  const fan = dependent.every((i) => i.dependsOn.length === 1 && same(i.dependsOn[0], root)) &&
    rootItem?.dependsOn.length === 0;
  if (!serial && !fan) throw badRequest("Batch should be either fully sequential or fully parallel.");
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

async function execute(rt: Runtime, outer: GraphRequest, items: BatchItem[]): Promise<ItemResponse[]> {
  const done: ItemResponse[] = [];
  const running = new Map<string, Promise<ItemResponse>>();
  const outlookSlots = new Semaphore(OUTLOOK_BATCH_PARALLELISM);
  const run = (item: BatchItem): Promise<ItemResponse> => {
    let p = running.get(item.id.toLowerCase());
    if (!p) {
      p = (async () => {
        const deps = await Promise.all(item.dependsOn.map((d) => run(items.find((i) => same(i.id, d))!)));
        const response = deps.some((d) => d.status < 200 || d.status >= 300)
          ? failedDependency(rt, item)
          : await runItem(rt, outer, item, outlookSlots);
        done.push(response);
        return response;
      })();
      running.set(item.id.toLowerCase(), p);
    }
    return p;
  };
  await Promise.all(items.map(run));
  return done;
}

async function runItem(
  rt: Runtime,
  outer: GraphRequest,
  item: BatchItem,
  outlookSlots: Semaphore,
): Promise<ItemResponse> {
  // Relative to the version root, with or without a leading slash; "/v1.0/me" is a segment 'v1.0'.
  const relative = item.url.startsWith("/") ? item.url.slice(1) : item.url;
  const url = new URL(`${outer.url.origin}${VERSION_PREFIX}/${relative}`);
  const match = rt.routes.match(item.method, normalizePath(url.pathname.slice(VERSION_PREFIX.length)));
  const outlook = match.kind === "found" && (match.route.endpoint.throttle ?? []).includes(OUTLOOK);
  const req: GraphRequest = {
    method: item.method,
    url,
    headers: new Headers(item.headers),
    body: item.body,
    authorization: outer.authorization,
  };
  const r = outlook ? await outlookSlots.run(() => dispatch(rt, req, true)) : await dispatch(rt, req, true);
  const headers: Record<string, string> = { "Cache-Control": "no-cache" };
  if (r.body !== undefined && r.status < 400) {
    Object.assign(headers, { "OData-Version": "4.0", "Content-Type": ODATA_JSON });
  }
  Object.assign(headers, r.headers);
  const response: ItemResponse = { id: item.id, status: r.status, headers };
  if (r.body !== undefined) response.body = r.body;
  else if (r.text) response.body = btoa(String.fromCharCode(...new TextEncoder().encode(r.text.value)));
  if (r.text) response.headers["Content-Type"] = r.text.contentType;
  return response;
}

function failedDependency(rt: Runtime, item: BatchItem): ItemResponse {
  const requestId = crypto.randomUUID();
  const e = new GraphError(424, "FailedDependency", "The request depends on a request that failed.");
  const r = errorResult(e, requestId, requestId, rt.clock.now());
  return { id: item.id, status: 424, headers: { "Cache-Control": "no-cache", ...r.headers }, body: r.body };
}

class Semaphore {
  #free: number;
  #waiting: (() => void)[] = [];

  constructor(slots: number) {
    this.#free = slots;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    }
  }
}
