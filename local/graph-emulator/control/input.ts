// Reading control-API JSON bodies: zod schemas, and a 400 that says what was wrong.
import type { Context } from "hono";
import { z } from "zod";

export class InputError extends Error {}

export async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  let raw: unknown = {};
  const text = await c.req.text();
  if (text) {
    try {
      raw = JSON.parse(text);
    } catch {
      throw new InputError("body is not JSON");
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new InputError(z.prettifyError(parsed.error));
  return parsed.data;
}
