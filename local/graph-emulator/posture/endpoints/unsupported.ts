// The emulator's answer to a query option it does not implement: 501 with a note naming it, never
// a silently wrong answer.
import { GraphError, notImplemented } from "../../graph/errors.ts";

export function unsupported(what: string): GraphError {
  const e = notImplemented();
  e.options.headers = { "x-emulator-note": `the emulator does not implement ${what} here` };
  return e;
}
