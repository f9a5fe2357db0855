// Every Graph read of one organization's refresh goes through here. Reads asked for while earlier
// ones are in flight wait and leave together, 20 to a $batch envelope (so datasets refreshed side
// by side share round trips); each URL is read once; collections are followed to their last page;
// a usage report's 302 is downloaded and parsed. At most four requests are in flight per tenant
// (Secure Score allows four at once; Intune and the reports throttle per tenant too).
import type { Client } from "@microsoft/microsoft-graph-client";
import { batch, BATCH_LIMIT, type BatchResult } from "../graph-batch.ts";
import { retryAfterSeconds } from "../graph.ts";
import { classify, type Failure, failureOf, type Outcome } from "./failures.ts";
import { parseReport } from "./report-csv.ts";

/** A throttled read is sent at most this often (Graph's SDK retries five times too). */
const ATTEMPTS = 6;

/** Requests one refresh made: envelopes sent (before item retries), items per flush, direct calls. */
export interface ReadStats {
  envelopes: number;
  rounds: number[];
  direct: number;
}

interface Pending {
  url: string;
  resolve(result: BatchResult): void;
  reject(error: unknown): void;
}

/** A semaphore: at most `max` tasks at once, the rest wait their turn. */
class Limiter {
  #active = 0;
  #waiting: (() => void)[] = [];
  constructor(readonly max: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active < this.max) this.#active++;
    else await new Promise<void>((go) => this.#waiting.push(go));
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active--;
    }
  }
}

/** A nextLink as a $batch item URL: relative to the version root. */
function relative(link: string): string {
  const url = new URL(link);
  return url.pathname.replace(/^\/(v1\.0|beta)(?=\/)/, "") + url.search;
}

/** What failed, named by the path read (never its query: no tokens or filters in messages). */
function named(url: string, failure: Failure): Failure {
  return { ...failure, message: `${url.split("?")[0]}: ${failure.message}` };
}

function itemFailure(url: string, result: BatchResult): Failure {
  const error = (result.body as { error?: { code?: string; message?: string } } | null)?.error;
  return named(
    url,
    failureOf(
      result.status,
      error?.code,
      error?.message ?? String(result.body ?? ""),
      retryAfterSeconds(result.headers.get("retry-after")),
    ),
  );
}

export class GraphReads {
  readonly stats: ReadStats = { envelopes: 0, rounds: [], direct: 0 };
  readonly #memo = new Map<string, Promise<Outcome<unknown>>>();
  readonly #queue: Pending[] = [];
  readonly #limit: Limiter;
  #inFlight = 0;
  #scheduled = false;

  constructor(readonly client: Client, readonly deadline: number, concurrency = 4) {
    this.#limit = new Limiter(concurrency);
  }

  /**
   * A v1.0 read: an entity's body, a collection's items over all its pages, or a usage report's
   * rows. Read once per refresh however often it is asked for.
   */
  get<T = unknown>(url: string): Promise<Outcome<T>> {
    return this.#once(url, () => this.#read(url)) as Promise<Outcome<T>>;
  }

  /** A /beta read, sent on its own (Graph has no JSON batching across versions). */
  beta<T = unknown>(url: string): Promise<Outcome<T>> {
    return this.#once(`beta:${url}`, () =>
      this.#limit.run(async () => {
        this.stats.direct++;
        try {
          return { ok: true, value: await this.client.api(url).version("beta").get() };
        } catch (error) {
          return { ok: false, failure: named(url, classify(error)) };
        }
      })) as Promise<Outcome<T>>;
  }

  #once(key: string, read: () => Promise<Outcome<unknown>>): Promise<Outcome<unknown>> {
    let pending = this.#memo.get(key);
    if (!pending) this.#memo.set(key, pending = read());
    return pending;
  }

  async #read(url: string): Promise<Outcome<unknown>> {
    try {
      let page = await this.#page(url);
      if (page.status === 302) return await this.#download(url, page);
      const items: unknown[] = [];
      while (true) {
        if (page.status !== 200) return { ok: false, failure: itemFailure(url, page) };
        const body = page.body as { value?: unknown[]; "@odata.nextLink"?: string } | null;
        if (!Array.isArray(body?.value)) return { ok: true, value: body };
        items.push(...body.value);
        const next = body["@odata.nextLink"];
        if (!next) return { ok: true, value: items };
        page = await this.#page(relative(next));
      }
    } catch (error) {
      return { ok: false, failure: classify(error) };
    }
  }

  /** Reports answer 302 to a pre-authenticated download on another host: no token goes there. */
  #download(url: string, page: BatchResult): Promise<Outcome<unknown>> {
    const location = page.headers.get("location");
    if (!location) return Promise.resolve({ ok: false, failure: itemFailure(url, page) });
    return this.#limit.run(async () => {
      // The link itself is a credential: it never goes into a message.
      const failed = (why: string): Outcome<unknown> => ({
        ok: false,
        failure: named(url, { status: "error", message: `the report download ${why}` }),
      });
      try {
        const response = await fetch(location, {
          signal: AbortSignal.timeout(Math.max(this.deadline - Date.now(), 1_000)),
        });
        if (!response.ok) {
          await response.body?.cancel();
          return failed(`answered ${response.status}`);
        }
        return { ok: true, value: parseReport(await response.text()) };
      } catch (error) {
        return failed(`failed (${(error as Error).name})`);
      }
    });
  }

  #page(url: string): Promise<BatchResult> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ url, resolve, reject });
      this.#schedule();
    });
  }

  // Reads queue up while envelopes are in flight and go out together once they are back: the
  // reads that depend on one round's answers then share the next round's envelopes.
  #schedule() {
    if (this.#scheduled || this.#inFlight > 0 || !this.#queue.length) return;
    this.#scheduled = true;
    setTimeout(() => {
      this.#scheduled = false;
      this.#flush();
    }, 0);
  }

  #flush() {
    const round = this.#queue.splice(0);
    if (!round.length) return;
    this.stats.rounds.push(round.length);
    for (let i = 0; i < round.length; i += BATCH_LIMIT) {
      const chunk = round.slice(i, i + BATCH_LIMIT);
      this.#inFlight++;
      this.#limit.run(() => this.#send(chunk)).finally(() => {
        this.#inFlight--;
        this.#schedule();
      });
    }
  }

  /**
   * One envelope; its throttled items (429, 503, 504) go again on their own, up to ATTEMPTS times
   * while the refresh's time allows (see graph-batch.ts for the waits).
   */
  async #send(chunk: Pending[]) {
    this.stats.envelopes++;
    let results: Map<string, BatchResult>;
    try {
      const items = chunk.map((p, i) => ({ id: String(i + 1), url: p.url }));
      results = await batch(this.client, items, { deadline: this.deadline, maxRounds: ATTEMPTS });
    } catch (error) {
      for (const p of chunk) p.reject(error);
      return;
    }
    chunk.forEach((p, i) => {
      const result = results.get(String(i + 1));
      if (result) p.resolve(result);
      else p.reject(new Error("Graph's $batch answer left a request out"));
    });
  }
}
