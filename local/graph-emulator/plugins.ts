// The feature areas the emulator runs with. Mail and posture add themselves here.
import { directoryPlugin } from "./endpoints/directory.ts";
import { mailPlugin } from "./mail/plugin.ts";
import type { EmulatorPlugin } from "./plugin.ts";
import { posturePlugin } from "./posture/plugin.ts";

export const DEFAULT_PLUGINS: readonly EmulatorPlugin[] = [directoryPlugin, mailPlugin, posturePlugin];
