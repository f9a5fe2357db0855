// The HTTP shell every function shares: CORS, caller identification, zod-parsed input, and the
// envelope {status_code, data, error, error_code} with errors mapped to statuses.
import { z } from "zod";
import { admit, type AuthMode, type Caller, identify, type UserClaims } from "./auth.ts";
import { asService, asUser, type Tx } from "./db.ts";
import { BadRequest, HttpError, MethodNotAllowed, RetryLater, Unauthorized } from "./errors.ts";
import { log } from "./log.ts";

export const CORS_HEADERS: Record<string, string> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "authorization, x-client-info, apikey, content-type, prefer",
  "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
  "Access-Control-Max-Age": "86400",
};

/** JSON bodies our functions accept are small; anything bigger is refused before parsing. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface Envelope<T = unknown> {
  status_code: number;
  data: T | null;
  error: string | null;
  error_code: string | null;
}

/** A JSON response in the envelope; the HTTP status always equals `status_code`. */
export function reply(data: unknown, status = 200, headers: HeadersInit = {}): Response {
  const body: Envelope = { status_code: status, data: data ?? null, error: null, error_code: null };
  return Response.json(body, { status, headers: { ...CORS_HEADERS, ...headers } });
}

export function replyError(
  status: number,
  code: string,
  message: string,
  headers: HeadersInit = {},
): Response {
  const body: Envelope = { status_code: status, data: null, error: message, error_code: code };
  return Response.json(body, { status, headers: { ...CORS_HEADERS, ...headers } });
}

/** Turn zod issues into one line a person can act on: `field: what is wrong; ...`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join(".")}: ` : "") + issue.message)
    .join("; ");
}

export function parse<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new BadRequest(`invalid ${what}: ${describeIssues(result.error)}`, "invalid_input");
  }
  return result.data;
}

export interface Context {
  req: Request;
  method: string;
  url: URL;
  /** The path after the function's slug: `/m365-credentials/validate` gives "validate". */
  route: string;
  caller: Caller;
  /** The signed-in user's claims (401 when the caller is not a user). */
  user(): UserClaims;
  /** Query string parsed by `schema` (400 on mismatch). */
  query<S extends z.ZodType>(schema: S): z.infer<S>;
  /** JSON body parsed by `schema` (400 on mismatch); an empty body reads as `{}`. */
  body<S extends z.ZodType>(schema: S): Promise<z.infer<S>>;
  db: {
    /** As the calling user, under RLS. */
    asUser<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
    /** As the service; only for workers and for steps the user may not do directly. */
    asService<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  };
}

export type Handler = (ctx: Context) => unknown;

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface ServeOptions {
  /** One mode for every method, or a mode per allowed method. */
  auth: AuthMode | Partial<Record<Method, AuthMode>>;
  /** Allowed methods when `auth` is a single mode (default GET and POST). */
  methods?: Method[];
}

function modeFor(options: ServeOptions, method: string): AuthMode {
  if (typeof options.auth === "string") {
    if (!(options.methods ?? ["GET", "POST"]).includes(method as Method)) throw new MethodNotAllowed(method);
    return options.auth;
  }
  const mode = options.auth[method as Method];
  if (!mode) throw new MethodNotAllowed(method);
  return mode;
}

function context(req: Request, caller: Caller): Context {
  const url = new URL(req.url);
  return {
    req,
    method: req.method,
    url,
    route: url.pathname.split("/").slice(2).join("/").replace(/\/$/, ""),
    caller,
    user: () => {
      if (caller.kind !== "user") {
        throw new Unauthorized("this action needs a user session", "user_session_required");
      }
      return caller.claims;
    },
    query: (schema) => parse(schema, Object.fromEntries(url.searchParams), "query"),
    body: async (schema) => {
      const declared = Number(req.headers.get("content-length") ?? 0);
      const text = declared > MAX_BODY_BYTES ? "" : await req.text();
      if (declared > MAX_BODY_BYTES || text.length > MAX_BODY_BYTES) {
        throw new HttpError(
          413,
          "payload_too_large",
          `request body is larger than ${MAX_BODY_BYTES / 1024} KiB`,
        );
      }
      let json: unknown = {};
      if (text.trim() !== "") {
        try {
          json = JSON.parse(text);
        } catch {
          throw new BadRequest("request body is not valid JSON", "invalid_json");
        }
      }
      return parse(schema, json, "body");
    },
    db: {
      asUser: (work) => {
        if (caller.kind !== "user") throw new Unauthorized("this action needs a user session");
        return asUser(caller.claims, work);
      },
      asService: (work) => asService(work),
    },
  };
}

// Postgres errors that mean "your request" rather than "our fault".
const PG_STATUS: Record<string, [number, string, string]> = {
  "42501": [403, "forbidden", "not allowed by row-level security"],
  "23505": [409, "conflict", "that already exists"],
  "23503": [409, "conflict", "it refers to something that does not exist"],
  "23514": [400, "invalid_input", "a value is out of range"],
  "22P02": [400, "invalid_input", "a value has the wrong format"],
};

/** Map anything thrown to a response, logging what we may log. */
export function errorResponse(error: unknown): Response {
  if (error instanceof RetryLater) {
    const retryAfter = String(Math.ceil(error.retryAfterSeconds));
    return replyError(error.status, error.code, error.message, { "Retry-After": retryAfter });
  }
  if (error instanceof HttpError) return replyError(error.status, error.code, error.message);
  const pgCode = (error as { name?: string; code?: string })?.name === "PostgresError"
    ? (error as { code: string }).code
    : undefined;
  if (pgCode && PG_STATUS[pgCode]) {
    const [status, code, message] = PG_STATUS[pgCode];
    return replyError(status, code, message);
  }
  const err = error instanceof Error ? error : new Error(String(error));
  log("error", "unhandled error", {
    name: err.name,
    message: err.message,
    pg_code: pgCode,
    stack: err.stack,
  });
  return pgCode
    ? replyError(500, "database_error", "the database could not complete the request")
    : replyError(500, "internal_error", "something went wrong on our side");
}

/** Build the request handler (exported so tests can call it without a server). */
export function handler(options: ServeOptions, fn: Handler): (req: Request) => Promise<Response> {
  return async (req) => {
    if (req.method === "OPTIONS") return new Response(null, { status: 204, headers: CORS_HEADERS });
    try {
      const mode = modeFor(options, req.method);
      const caller = await identify(req.headers);
      admit(caller, mode);
      const result = await fn(context(req, caller));
      return result instanceof Response ? result : reply(result);
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/** Serve a function: `serve({ auth: "user" }, async ({ query, db }) => ...)`. */
export function serve(options: ServeOptions, fn: Handler): void {
  Deno.serve(handler(options, fn));
}
