// Typed errors the HTTP layer maps to statuses. Messages are for people and never hold a secret.

export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400: the request is wrong; the message says how. */
export class BadRequest extends HttpError {
  constructor(message: string, code = "bad_request") {
    super(400, code, message);
  }
}

/** 401: no credentials, or credentials that do not verify (also a token Microsoft refused). */
export class Unauthorized extends HttpError {
  constructor(message = "missing or invalid credentials", code = "unauthorized") {
    super(401, code, message);
  }
}

/** 403: the caller is known but may not do this. */
export class Forbidden extends HttpError {
  constructor(message = "not allowed", code = "forbidden") {
    super(403, code, message);
  }
}

/** 404: not there, or not the caller's (RLS makes the two look the same, on purpose). */
export class NotFound extends HttpError {
  constructor(message = "not found", code = "not_found") {
    super(404, code, message);
  }
}

/** 405 */
export class MethodNotAllowed extends HttpError {
  constructor(method: string) {
    super(405, "method_not_allowed", `method ${method} is not allowed here`);
  }
}

/** 409: the request conflicts with the current state. */
export class Conflict extends HttpError {
  constructor(message: string, code = "conflict") {
    super(409, code, message);
  }
}

/** 502: Microsoft (Graph or the identity platform) failed or answered something unusable. */
export class UpstreamError extends HttpError {
  constructor(message: string, code = "graph_error") {
    super(502, code, message);
  }
}

/**
 * Microsoft is throttling or briefly down: try again after `retryAfterSeconds`. A worker re-queues
 * the job for then; a person gets a 502 with Retry-After.
 */
export class RetryLater extends HttpError {
  constructor(message: string, readonly retryAfterSeconds: number) {
    super(502, "microsoft_unavailable", message);
  }
}

/** 500: our side is misconfigured (the message names what, never its value). */
export class ServerMisconfigured extends HttpError {
  constructor(message: string) {
    super(500, "server_misconfigured", message);
  }
}
