// PATCH of content fields: allowed while the message is a draft, refused once it was sent.
import { GraphError } from "../../graph/errors.ts";
import { contentField } from "../message-input.ts";
import type { MessageContent, StoredMessage } from "../model.ts";

export function draftChanges(
  key: string,
  value: unknown,
  changes: Partial<StoredMessage>,
  isDraft: boolean,
): boolean {
  const content: Partial<MessageContent> = {};
  if (!contentField(key, value, content, 0)) return false;
  if (!isDraft) {
    throw new GraphError(
      400,
      "ErrorInvalidPropertyUpdateSentMessage",
      "Update operation is invalid for property of a sent message.",
    );
  }
  Object.assign(changes, content);
  return true;
}
