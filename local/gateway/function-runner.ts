// LOCAL ONLY. Runs one Edge Function in its own Deno process, as the edge runtime would: installs
// the EdgeRuntime global, captures the handler the function gives Deno.serve (or its default
// export's fetch), and serves it on a loopback port it prints as {"listening": port}.
type FetchHandler = (req: Request) => Response | Promise<Response>;

const entrypoint = Deno.args[0];
if (!entrypoint) throw new Error("usage: function-runner.ts <entrypoint>");

const background = new Set<Promise<unknown>>();
Object.defineProperty(globalThis, "EdgeRuntime", {
  value: {
    waitUntil(promise: Promise<unknown>) {
      background.add(promise);
      promise.catch((e) => console.error("waitUntil task failed:", e)).finally(() =>
        background.delete(promise)
      );
    },
  },
});

let captured: FetchHandler | undefined;
const realServe = Deno.serve;
// deno-lint-ignore no-explicit-any
(Deno as any).serve = (...args: unknown[]) => {
  const fn = args.find((a) => typeof a === "function") ??
    (args[0] as { handler?: FetchHandler } | undefined)?.handler;
  captured = fn as FetchHandler;
  return { finished: new Promise(() => {}), ref() {}, unref() {}, shutdown: async () => {}, addr: null };
};

const mod = await import(new URL(entrypoint, "file://").href);
const handler = captured ?? (mod.default?.fetch as FetchHandler | undefined);
if (!handler) throw new Error(`${entrypoint} neither calls Deno.serve nor exports default { fetch }`);

realServe({
  hostname: "127.0.0.1",
  port: 0,
  onListen: ({ port }) => console.log(JSON.stringify({ listening: port })),
}, handler);
