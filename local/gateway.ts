// LOCAL ONLY. Serves /functions/v1/<slug>/... like `supabase functions serve` behind Kong: key to
// JWT mapping, verify_jwt, CORS preflight, one process per function, Supabase's env; plus the
// auth JWKS endpoint and pg_net's background worker (the drainer).
//   deno run -A local/gateway.ts --port 54321 --keys .local/keys.json [--supabase-dir supabase]
import postgres from "postgres";
import { jwtVerifier } from "../supabase/functions/_shared/jwt.ts";
import { functionJwks, legacyRoleJwt, loadKeys, publicJwks } from "./auth-keys.ts";
import { BootError, FunctionProcess } from "./gateway/function-process.ts";
import { loadFunctions } from "./gateway/functions-config.ts";
import { drainPgNet } from "./gateway/pg-net-drainer.ts";

function flag(name: string, fallback?: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  const value = i >= 0 ? Deno.args[i + 1] : fallback;
  if (value === undefined) throw new Error(`missing --${name}`);
  return value;
}

const port = Number(flag("port", "54321"));
const supabaseDir = await Deno.realPath(flag("supabase-dir", "supabase"));
const drain = flag("pg-net", "on") === "on";
const keys = await loadKeys(flag("keys"));
const env = Deno.env.toObject();
const publishableKeys = Object.values(JSON.parse(env.SUPABASE_PUBLISHABLE_KEYS ?? "{}")) as string[];
const secretKeys = Object.values(JSON.parse(env.SUPABASE_SECRET_KEYS ?? "{}")) as string[];
const anonJwt = await legacyRoleJwt(keys, "anon");
const serviceJwt = await legacyRoleJwt(keys, "service_role");
const verify = jwtVerifier({ jwks: functionJwks(keys) });

const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);

const CORS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "authorization, x-client-info, apikey, content-type, prefer",
  "Access-Control-Allow-Methods": "GET, HEAD, PUT, PATCH, POST, DELETE, OPTIONS",
  "Access-Control-Max-Age": "3600",
};

const json = (status: number, body: unknown) =>
  Response.json(body, { status, headers: { ...CORS, "X-Served-By": "m365-edge-local-gateway" } });

const functions = await loadFunctions(supabaseDir);
const functionEnv: Record<string, string> = {
  ...env,
  ...(await readDotEnv(`${supabaseDir}/functions/.env`)),
  SUPABASE_INTERNAL_HOST_PORT: String(port),
};
const processes = new Map(
  [...functions.values()].map((spec) => [
    spec.slug,
    new FunctionProcess(spec, functionEnv, (line) => log(`[${spec.slug}] ${line}`)),
  ]),
);

async function readDotEnv(path: string): Promise<Record<string, string>> {
  try {
    const text = await Deno.readTextFile(path);
    return Object.fromEntries(
      text.split("\n").map((l) => /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*['"]?(.*?)['"]?\s*$/.exec(l))
        .filter((m): m is RegExpExecArray => m !== null && !m[1].startsWith("SUPABASE_"))
        .map((m) => [m[1], m[2]]),
    );
  } catch {
    return {};
  }
}

/** Kong's rewrite: an API key (and no user JWT) becomes the matching role's JWT. */
function mapApiKey(headers: Headers): void {
  const authorization = headers.get("authorization");
  if (authorization && !/^Bearer sb_/i.test(authorization)) return;
  const apikey = headers.get("apikey") ?? authorization?.replace(/^Bearer /i, "");
  if (!apikey) return;
  if (secretKeys.includes(apikey)) headers.set("authorization", `Bearer ${serviceJwt}`);
  else if (publishableKeys.includes(apikey)) headers.set("authorization", `Bearer ${anonJwt}`);
}

async function verifyJwt(headers: Headers): Promise<Response | undefined> {
  const token = /^Bearer\s+(\S+)$/i.exec(headers.get("authorization") ?? "")?.[1];
  if (!token) return json(401, { msg: "Error: Missing authorization header" });
  try {
    await verify(token);
  } catch {
    return json(401, { msg: "Invalid JWT" });
  }
}

async function invoke(slug: string, req: Request, url: URL): Promise<Response> {
  const spec = functions.get(slug);
  const process = processes.get(slug);
  if (!spec || !process) return new Response("Function not found", { status: 404, headers: CORS });
  if (req.method === "OPTIONS") return new Response("ok", { headers: CORS });

  const headers = new Headers(req.headers);
  mapApiKey(headers);
  if (spec.verifyJwt) {
    const refused = await verifyJwt(headers);
    if (refused) return refused;
  }

  let functionPort: number;
  try {
    functionPort = await process.port();
  } catch (error) {
    log(`[${slug}] boot failed: ${error instanceof BootError ? error.message : error}`);
    return json(503, { code: "BOOT_ERROR", message: "Worker failed to boot (please check logs)" });
  }
  // The function sees the path without /functions/v1, as on Supabase.
  const target = `http://127.0.0.1:${functionPort}${url.pathname.slice("/functions/v1".length)}${url.search}`;
  try {
    return await fetch(target, {
      method: req.method,
      headers,
      body: req.body,
      redirect: "manual",
      signal: AbortSignal.timeout(400_000), // the local CLI's worker wall clock
    });
  } catch (error) {
    log(`[${slug}] request failed: ${error}`);
    return json(500, {
      code: "WORKER_ERROR",
      message: "Function exited due to an error (please check logs)",
    });
  }
}

const stop = new AbortController();
const server = Deno.serve({ hostname: "127.0.0.1", port, signal: stop.signal, onListen: () => {} }, (req) => {
  const url = new URL(req.url);
  if (url.pathname === "/_internal/health") return json(200, { message: "ok" });
  if (url.pathname === "/auth/v1/.well-known/jwks.json") return json(200, publicJwks(keys));
  const match = /^\/functions\/v1\/([^/]+)/.exec(url.pathname);
  if (!match) return json(404, { message: "no route matched" });
  return invoke(match[1], req, url);
});
log(
  `gateway listening on http://127.0.0.1:${port} (${functions.size} functions: ${
    [...functions.keys()].join(", ")
  })`,
);

// Like `supabase functions serve`: edited function code serves the next request. Work under way
// finishes in the old process (a worker's budget is at most the platform's 150 s wall clock).
async function reloadOnChange(dir: string) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  for await (const event of Deno.watchFs(dir)) {
    if (!event.paths.some((p) => /\.(ts|json)$/.test(p))) continue;
    clearTimeout(timer);
    timer = setTimeout(() => {
      log("function code changed: the next requests start fresh processes");
      for (const p of processes.values()) p.retire(150_000);
    }, 300);
  }
}
reloadOnChange(`${supabaseDir}/functions`).catch((error) => log(`not watching for changes: ${error}`));

const sql = drain ? postgres(env.SUPABASE_DB_URL, { max: 4, onnotice: () => {} }) : undefined;
const drainer = sql ? drainPgNet(sql, stop.signal, log) : Promise.resolve();

async function shutdown() {
  stop.abort();
  await Promise.allSettled([...processes.values()].map((p) => p.stop()));
  await drainer.catch(() => {});
  await sql?.end({ timeout: 2 });
  await server.finished;
  Deno.exit(0);
}
Deno.addSignalListener("SIGTERM", shutdown);
Deno.addSignalListener("SIGINT", shutdown);
