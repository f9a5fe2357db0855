// Everything the emulator holds while it runs: the world and the state around it. Reset swaps
// the world and clears tokens, faults, throttles and counters; the signing key stays.
import { Clock } from "./core/clock.ts";
import { Counters } from "./core/counters.ts";
import { Random } from "./core/random.ts";
import { RouteTable } from "./graph/router.ts";
import { IdentityState } from "./identity/state.ts";
import type { SigningKey } from "./identity/keys.ts";
import type { EmulatorPlugin } from "./plugin.ts";
import { Faults } from "./throttle/faults.ts";
import { Throttles } from "./throttle/throttles.ts";
import { generateWorld } from "./world/generate.ts";
import type { Size, World } from "./world/types.ts";

export interface WorldOptions {
  seed: number;
  size: Size;
  /** Per-generator options keyed by plugin name (e.g. `{ mail: { messages: 10000 } }`). */
  options?: Record<string, unknown>;
}

export class Runtime {
  world!: World;
  worldOptions!: WorldOptions;
  readonly clock = new Clock();
  readonly routes = new RouteTable();
  counters!: Counters;
  identity!: IdentityState;
  faults!: Faults;
  throttles!: Throttles;
  /** Seeded stream for run-time choices (batch response order, service principal ids). */
  random!: Random;

  constructor(readonly key: SigningKey, readonly plugins: readonly EmulatorPlugin[], options: WorldOptions) {
    for (const p of plugins) for (const e of p.endpoints ?? []) this.routes.add(e);
    this.reset(options);
  }

  reset(options: WorldOptions): void {
    this.worldOptions = options;
    this.world = generateWorld(
      options.seed,
      options.size,
      this.plugins.filter((p) => p.generate).map((p) => ({
        name: p.name,
        generate: (ctx) => p.generate!(ctx),
      })),
      options.options,
    );
    const random = new Random(`m365-edge-runtime/${options.seed}`);
    this.counters = new Counters();
    this.identity = new IdentityState();
    this.faults?.clear();
    this.faults = new Faults(random.fork("faults"));
    this.throttles = new Throttles(random.fork("throttles"));
    this.random = random.fork("run");
    this.clock.reset();
  }

  tenant(idOrDomain: string): World["tenants"][number] | undefined {
    const key = idOrDomain.toLowerCase();
    return this.world.tenants.find((t) =>
      t.id === key || t.profile.initialDomain === key || t.profile.customDomains.includes(key)
    );
  }
}
