// The mail plugin: mailboxes and help-desk traffic in the world, Outlook mail endpoints, sending
// and delivery, delta, subscriptions with change notifications, and /_emulator/mail control routes.
import type { EmulatorPlugin } from "../plugin.ts";
import { mailControl } from "./control.ts";
import { attachmentEndpoints } from "./endpoints/attachments.ts";
import { deltaEndpoints } from "./endpoints/delta.ts";
import { folderEndpoints } from "./endpoints/folders.ts";
import { messageEndpoints } from "./endpoints/messages.ts";
import { sendEndpoints } from "./endpoints/send.ts";
import { subscriptionEndpoints } from "./endpoints/subscriptions.ts";
import { MAIL, MailState } from "./state.ts";
import { generateMail, parseMailOptions } from "./world/generate.ts";

export const mailPlugin: EmulatorPlugin = {
  name: "mail",
  generate({ world, random, options }) {
    MAIL.set(world, new MailState(generateMail(world, random, parseMailOptions(options)), world.seed));
  },
  control: mailControl,
  endpoints: [
    ...deltaEndpoints,
    ...folderEndpoints,
    ...attachmentEndpoints,
    ...messageEndpoints,
    ...sendEndpoints,
    ...subscriptionEndpoints,
  ],
};
