// LOCAL ONLY. One child process per function (import maps are per process in Deno, and a crash in
// one function must not take the others down). Booted on first request, rebooted after a crash.
import type { FunctionSpec } from "./functions-config.ts";

const RUNNER = new URL("./function-runner.ts", import.meta.url).pathname;
const BOOT_TIMEOUT_MS = 60_000;

export class BootError extends Error {}

export class FunctionProcess {
  #child?: Deno.ChildProcess;
  #port?: Promise<number>;

  constructor(
    readonly spec: FunctionSpec,
    readonly env: Record<string, string>,
    readonly log: (line: string) => void,
  ) {}

  /** The port the function listens on, booting it if it is not running. */
  port(): Promise<number> {
    this.#port ??= this.#boot().catch((error) => {
      this.#port = undefined;
      throw error;
    });
    return this.#port;
  }

  #boot(): Promise<number> {
    const args = [
      "run",
      "--no-lock",
      "--no-config",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      "--allow-sys",
      // the hosted limit: 256 MB per worker
      "--v8-flags=--max-old-space-size=256",
      ...(this.spec.importMap ? [`--import-map=${this.spec.importMap}`] : []),
      RUNNER,
      this.spec.entrypoint,
    ];
    const child = new Deno.Command(Deno.execPath(), {
      args,
      env: this.env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#child = child;

    const { promise, resolve, reject } = Promise.withResolvers<number>();
    const timer = setTimeout(() => reject(new BootError("boot timed out")), BOOT_TIMEOUT_MS);
    this.#pipe(child.stdout, (line) => {
      const listening = /^\{"listening":(\d+)\}$/.exec(line);
      if (listening) resolve(Number(listening[1]));
      else this.log(line);
    });
    this.#pipe(child.stderr, (line) => this.log(line));
    child.status.then((status) => {
      clearTimeout(timer);
      reject(new BootError(`exited with code ${status.code} before listening`));
      if (this.#child === child) {
        this.#child = undefined;
        this.#port = undefined; // next request boots a fresh process
        this.log(`process exited (code ${status.code})`);
      }
    });
    return promise.finally(() => clearTimeout(timer));
  }

  async #pipe(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void) {
    let buffered = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      buffered += chunk;
      const lines = buffered.split("\n");
      buffered = lines.pop()!;
      lines.forEach(onLine);
    }
    if (buffered) onLine(buffered);
  }

  #retired = new Set<Deno.ChildProcess>();

  /** Edited code: new requests boot a fresh process; this one has `graceMs` to finish its work. */
  retire(graceMs: number): void {
    const child = this.#child;
    if (!child) return;
    this.#child = undefined;
    this.#port = undefined;
    this.#retired.add(child);
    const timer = setTimeout(() => kill(child), graceMs);
    child.status.then(() => {
      clearTimeout(timer);
      this.#retired.delete(child);
    });
  }

  async stop(): Promise<void> {
    const children = [...this.#retired, ...(this.#child ? [this.#child] : [])];
    this.#child = undefined;
    this.#port = undefined;
    children.forEach(kill);
    await Promise.all(children.map((c) => c.status));
  }
}

function kill(child: Deno.ChildProcess) {
  try {
    child.kill("SIGTERM");
  } catch { /* already gone */ }
}
