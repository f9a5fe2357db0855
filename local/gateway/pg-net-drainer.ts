// LOCAL ONLY. The part of pg_net that is a background worker: take queued requests from
// net.http_request_queue, send them, and record each answer in net._http_response.
import type postgres from "postgres";

interface QueuedRequest {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Uint8Array<ArrayBuffer> | null;
  timeout_milliseconds: number;
}

const POLL_MS = 1_000;
const BATCH = 32;
const RESPONSE_TTL = "6 hours"; // pg_net's default net.ttl

async function send(request: QueuedRequest) {
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(request.timeout_milliseconds),
    });
    return {
      status_code: response.status,
      content_type: response.headers.get("content-type"),
      headers: Object.fromEntries(response.headers),
      content: await response.text(),
      timed_out: false,
      error_msg: null,
    };
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === "TimeoutError";
    return {
      status_code: null,
      content_type: null,
      headers: null,
      content: null,
      timed_out: timedOut,
      error_msg: timedOut ? `Timeout of ${request.timeout_milliseconds} ms reached` : String(error),
    };
  }
}

/** Drain the queue until `signal` aborts. Returns when stopped. */
export async function drainPgNet(sql: postgres.Sql, signal: AbortSignal, log: (msg: string) => void) {
  let wake = () => {};
  const listener = await sql.listen("pg_net_request", () => wake());
  let lastPurge = 0;
  const inFlight = new Set<Promise<void>>();

  while (!signal.aborted) {
    const requests = await sql<QueuedRequest[]>`
      delete from net.http_request_queue
      where id in (select id from net.http_request_queue order by id limit ${BATCH} for update skip locked)
      returning id, method, url, headers, body, timeout_milliseconds`.catch((error) => {
      log(`pg_net drainer: ${error.message}`);
      return [] as QueuedRequest[];
    });
    for (const request of requests) {
      const task = send(request).then(async (r) => {
        await sql`insert into net._http_response
          (id, status_code, content_type, headers, content, timed_out, error_msg)
          values (${request.id}, ${r.status_code}, ${r.content_type}, ${
          r.headers ? sql.json(r.headers) : null
        },
                  ${r.content}, ${r.timed_out}, ${r.error_msg})`;
        log(`pg_net ${request.method} ${new URL(request.url).pathname} -> ${r.status_code ?? r.error_msg}`);
      }).catch((error) => log(`pg_net drainer: ${error.message}`));
      inFlight.add(task);
      task.finally(() => inFlight.delete(task));
    }
    if (Date.now() - lastPurge > 60_000) {
      lastPurge = Date.now();
      await sql`delete from net._http_response where created < now() - ${RESPONSE_TTL}::interval`.catch(
        () => {},
      );
    }
    if (requests.length < BATCH) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, POLL_MS);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
        signal.addEventListener("abort", wake, { once: true });
      });
    }
  }
  await listener.unlisten();
  await Promise.allSettled(inFlight);
}
