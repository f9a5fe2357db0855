// Benchmark: the Graph emulator's throughput on a simple authenticated GET (/v1.0/users/{id}),
// beside a bare Deno.serve HTTPS "hello" on the same machine and the same load generator.
// Each server runs in its own process; the load runs for a fixed time per run and stops by itself.
//   deno run -A bench/emulator-throughput.ts
const ROOT = new URL("../", import.meta.url);
const CERTS = new URL(".local/certs/", ROOT);
const RUNS = 5;
const SECONDS = 3;
const WARMUP_SECONDS = 1;
const CONCURRENCY = 32;

const cert = (name: string) => new URL(name, CERTS).pathname;
const client = Deno.createHttpClient({ caCerts: [await Deno.readTextFile(cert("ca.pem"))] });

const BASELINE = `
Deno.serve({ hostname: "127.0.0.1", port: 0, cert: Deno.readTextFileSync(${
  JSON.stringify(cert("emulator.pem"))
}),
  key: Deno.readTextFileSync(${JSON.stringify(cert("emulator.key"))}),
  onListen: ({ port }) => console.log("listening on https://localhost:" + port) },
  () => Response.json({ hello: "world" }));`;

interface Server {
  origin: string;
  stop(): Promise<void>;
}

async function start(args: string[]): Promise<Server> {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT.pathname,
    env: { DENO_NO_PACKAGE_JSON: "1", DENO_NO_UPDATE_CHECK: "1" },
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!/https:\/\/localhost:\d+/.test(out)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`server exited before listening: ${out}`);
    out += value;
  }
  const origin = out.match(/https:\/\/localhost:\d+/)![0];
  return {
    origin,
    async stop() {
      child.kill("SIGTERM");
      await reader.cancel();
      await child.status;
    },
  };
}

/** Requests completed per second by CONCURRENCY keep-alive loops over `seconds`. */
async function load(
  url: string,
  headers: HeadersInit,
  seconds: number,
): Promise<{ rps: number; done: number; errors: number }> {
  let done = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (performance.now() < deadline) {
      const r = await fetch(url, { headers, client });
      await r.arrayBuffer();
      if (r.status === 200) done++;
      else errors++;
    }
  }));
  return { rps: (done + errors) / ((performance.now() - started) / 1000), done, errors };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Target {
  label: string;
  url: string;
  headers: HeadersInit;
  runs: { rps: number; done: number; errors: number }[];
}

/** Warms both targets up, then alternates their timed runs so both see the same machine load. */
async function measure(targets: Target[], afterWarmup: () => Promise<void>): Promise<void> {
  for (const t of targets) await load(t.url, t.headers, WARMUP_SECONDS);
  await afterWarmup();
  for (let i = 0; i < RUNS; i++) {
    for (const t of targets) {
      const r = await load(t.url, t.headers, SECONDS);
      console.log(`${t.label} run ${i + 1}: ${Math.round(r.rps)} req/s (${r.done} ok, ${r.errors} errors)`);
      t.runs.push(r);
    }
  }
}

const emulator = await start([
  "run",
  "--allow-net",
  "--allow-read",
  "--allow-env",
  "local/graph-emulator/main.ts",
  "--port",
  "0",
  "--cert",
  cert("emulator.pem"),
  "--key",
  cert("emulator.key"),
]);
const baseline = await start(["eval", BASELINE]);
try {
  const control = async (path: string, body?: unknown) =>
    await (await fetch(`${emulator.origin}/_emulator/${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      client,
    })).json();
  const { DEFAULT_APP, TENANT_IDS } = await import("../local/graph-emulator/defaults.ts");
  const token = await (await fetch(`${emulator.origin}/${TENANT_IDS.contoso}/oauth2/v2.0/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: DEFAULT_APP.clientId,
      client_secret: DEFAULT_APP.clientSecret,
      scope: "https://graph.microsoft.com/.default",
    }),
    client,
  })).json();
  const world = await control("world");
  const userId = world.tenants.find((t: { id: string }) => t.id === TENANT_IDS.contoso).users[5].id;
  const auth = { Authorization: `Bearer ${token.access_token}` };

  const base: Target = {
    label: "baseline (Deno.serve hello)",
    url: `${baseline.origin}/`,
    headers: {},
    runs: [],
  };
  const emu: Target = {
    label: "emulator GET /v1.0/users/{id}",
    url: `${emulator.origin}/v1.0/users/${userId}`,
    headers: auth,
    runs: [],
  };
  await measure([base, emu], async () => {
    await control("counters/reset", {});
  });
  // Counted at the emulator over the timed runs: must equal what the generator sent.
  const graphRequests: number = (await control("counters")).graph.requests;
  const sent = emu.runs.reduce((n, r) => n + r.done + r.errors, 0);
  if (graphRequests !== sent) {
    throw new Error(`emulator counted ${graphRequests} requests, the generator sent ${sent}`);
  }
  const rps = median(emu.runs.map((r) => r.rps));
  const baseRps = median(base.runs.map((r) => r.rps));
  const errors = emu.runs.reduce((n, r) => n + r.errors, 0);
  console.log(
    `bench emulator-throughput: rps_median=${Math.round(rps)} baseline_rps_median=${
      Math.round(baseRps)
    } ratio=${
      (rps / baseRps).toFixed(2)
    } graph_requests=${graphRequests} errors=${errors} runs=${RUNS} seconds=${SECONDS} concurrency=${CONCURRENCY} target_rps=3000`,
  );
} finally {
  await emulator.stop();
  await baseline.stop();
  client.close();
}
