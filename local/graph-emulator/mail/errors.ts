// Exchange's error answers for mail (notes §2.3): several come without innerError, as observed.
import { badRequest, GraphError } from "../graph/errors.ts";

export const itemNotFound = () =>
  new GraphError(
    404,
    "ErrorItemNotFound",
    "The specified object was not found in the store., The process failed to get the correct properties.",
    { innerError: false },
  );

export const idMalformed = () => new GraphError(400, "ErrorInvalidIdMalformed", "Id is malformed.");

export const mailAccessDenied = () =>
  new GraphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");

export const invalidRequest = (message: string) => new GraphError(400, "ErrorInvalidRequest", message);

export const invalidRecipients = () =>
  new GraphError(
    400,
    "ErrorInvalidRecipients",
    "At least one recipient isn't valid., A message can't be sent because it contains no recipients.",
  );

export const emptyPayload = () => badRequest("Empty Payload. JSON content expected.");

export function unknownProperty(name: string, type = "microsoft.graph.message"): GraphError {
  return badRequest(
    `The property '${name}' does not exist on type '${type}'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
  );
}
