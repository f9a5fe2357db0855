// What a feature area (directory, mail, posture) contributes to the emulator: world generation,
// Graph endpoints, control routes under /_emulator/<name>/, and extra top-level routes.
import type { Hono } from "hono";
import type { Endpoint } from "./graph/endpoint.ts";
import type { Runtime } from "./runtime.ts";
import type { GenerateContext } from "./world/generate.ts";

export interface EmulatorPlugin {
  /** Names its random stream, its reset options key and its control route prefix. */
  name: string;
  /** Adds to the world after the directory (tenants, users, apps) exists. */
  generate?(ctx: GenerateContext): void;
  endpoints?: readonly Endpoint[];
  /** Routes mounted at /_emulator/<name>/ (JSON, no auth). */
  control?(routes: Hono, rt: Runtime): void;
  /** Routes on the emulator's root, e.g. unauthenticated report downloads. */
  routes?(app: Hono, rt: Runtime): void;
}
