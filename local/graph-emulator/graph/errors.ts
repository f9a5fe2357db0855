// Graph's OData error envelope, and the error codes each workload uses (notes §2.1-2.3).

export interface GraphErrorOptions {
  /** Some Exchange errors have no innerError at all. */
  innerError?: boolean;
  headers?: Record<string, string>;
  /** Extra innerError members (e.g. the 429 sample's code/status/message). */
  inner?: Record<string, string>;
}

export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly options: GraphErrorOptions = {},
  ) {
    super(message);
  }

  body(requestId: string, clientRequestId: string, date: string): Record<string, unknown> {
    const error: Record<string, unknown> = { code: this.code, message: this.message };
    if (this.options.innerError !== false) {
      error.innerError = {
        ...this.options.inner,
        date,
        "request-id": requestId,
        "client-request-id": clientRequestId,
      };
    }
    return { error };
  }
}

export const badRequest = (message: string) => new GraphError(400, "BadRequest", message);
export const directoryBadRequest = (message: string) => new GraphError(400, "Request_BadRequest", message);

export const notImplemented = () =>
  new GraphError(501, "NotImplemented", "This operation target is not yet supported.");

export function segmentNotFound(segment: string): GraphError {
  return badRequest(`Resource not found for the segment '${segment}'.`);
}

export function userNotFound(id: string): GraphError {
  return new GraphError(
    404,
    "Request_ResourceNotFound",
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

export const mailboxNotEnabled = () =>
  new GraphError(
    404,
    "MailboxNotEnabledForRESTAPI",
    "The mailbox is either inactive, soft-deleted, or is hosted on-premise.",
  );

export const invalidUser = (id: string) =>
  new GraphError(404, "ErrorInvalidUser", `The requested user '${id}' is invalid.`);

export const directoryAccessDenied = () =>
  new GraphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");

export const exchangeAccessDenied = () =>
  new GraphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");

export const meWithAppToken = () =>
  badRequest("/me request is only valid with delegated authentication flow.");
