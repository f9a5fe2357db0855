// The HTTP shell around dispatch: reads the request body, adds Graph's standard response headers.
import { httpDate } from "../core/time-format.ts";
import type { Runtime } from "../runtime.ts";
import { runBatch } from "./batch.ts";
import { dispatch, errorResult, type GraphRequest, type GraphResponse, unreadableJson } from "./dispatch.ts";

export const ODATA_JSON =
  "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

const DIAGNOSTIC = JSON.stringify({
  ServerInfo: {
    DataCenter: "Local Emulator",
    Slice: "E",
    Ring: "5",
    ScaleUnit: "000",
    RoleInstance: "EMULATOR",
  },
});

export async function handleGraph(rt: Runtime, request: Request): Promise<Response> {
  const url = new URL(request.url);
  const read = await readBody(request);
  const req: GraphRequest = {
    method: request.method,
    url,
    headers: request.headers,
    body: read.body,
    authorization: request.headers.get("Authorization"),
  };
  if (!read.ok) {
    const requestId = crypto.randomUUID();
    const clientRequestId = request.headers.get("client-request-id") ?? requestId;
    return toResponse({
      ...errorResult(unreadableJson(), requestId, clientRequestId, rt.clock.now()),
      requestId,
      clientRequestId,
    }, rt);
  }
  const isBatch = url.pathname.toLowerCase() === "/v1.0/$batch" && request.method === "POST";
  return toResponse(isBatch ? await runBatch(rt, req) : await dispatch(rt, req, false), rt);
}

async function readBody(request: Request): Promise<{ ok: boolean; body: unknown }> {
  if (request.method === "GET" || request.method === "HEAD" || !request.body) {
    return { ok: true, body: undefined };
  }
  const text = await request.text();
  if (!text) return { ok: true, body: undefined };
  if (!(request.headers.get("Content-Type") ?? "").toLowerCase().includes("json")) {
    return { ok: true, body: text };
  }
  try {
    return { ok: true, body: JSON.parse(text) };
  } catch {
    return { ok: false, body: undefined };
  }
}

export function toResponse(r: GraphResponse, rt: Runtime): Response {
  const headers = new Headers({
    "Cache-Control": "no-cache",
    "Strict-Transport-Security": "max-age=31536000",
    "request-id": r.requestId,
    "client-request-id": r.clientRequestId,
    "x-ms-ags-diagnostic": DIAGNOSTIC,
    "OData-Version": "4.0",
    "Date": httpDate(rt.clock.now()),
  });
  let body: string | null = null;
  if (r.body !== undefined) {
    headers.set("Content-Type", ODATA_JSON);
    body = JSON.stringify(r.body);
  } else if (r.text) {
    headers.set("Content-Type", r.text.contentType);
    body = r.text.value;
  }
  for (const [k, v] of Object.entries(r.headers ?? {})) headers.set(k, v);
  return new Response(body, { status: r.status, headers });
}
