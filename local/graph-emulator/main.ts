// LOCAL ONLY. Microsoft identity platform + Microsoft Graph emulator over HTTPS.
// deno run --allow-net --allow-read --allow-env local/graph-emulator/main.ts
//   [--port 54340] [--cert .local/certs/emulator.pem] [--key .local/certs/emulator.key] [--seed 1] [--size small]
import { DEFAULT_PORT, DEFAULT_SEED, DEFAULT_SIZE } from "./defaults.ts";
import { createEmulator } from "./emulator.ts";
import { type Size, SIZES } from "./world/types.ts";

function flag(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && Deno.args[i + 1] !== undefined ? Deno.args[i + 1] : fallback;
}

const size = flag("size", DEFAULT_SIZE);
if (!SIZES.includes(size as Size)) throw new Error(`--size must be one of ${SIZES.join(", ")}`);
const seed = Number(flag("seed", String(DEFAULT_SEED)));
if (!Number.isInteger(seed)) throw new Error("--seed must be an integer");

const emulator = await createEmulator({ seed, size: size as Size });
Deno.serve({
  hostname: "127.0.0.1",
  port: Number(flag("port", String(DEFAULT_PORT))),
  cert: await Deno.readTextFile(flag("cert", ".local/certs/emulator.pem")),
  key: await Deno.readTextFile(flag("key", ".local/certs/emulator.key")),
  onListen: ({ port }) =>
    console.log(`graph emulator on https://localhost:${port} (seed ${seed}, size ${size})`),
}, emulator.handler);
