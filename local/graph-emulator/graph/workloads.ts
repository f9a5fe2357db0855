// How each Graph workload words its 403s and 404s, and whether it needs a mailbox. Endpoints name
// their workload; posture endpoints can add their own (Intune and reports word errors differently).
import {
  directoryAccessDenied,
  exchangeAccessDenied,
  type GraphError,
  invalidUser,
  userNotFound,
} from "./errors.ts";

export interface Workload {
  name: string;
  forbidden(): GraphError;
  userNotFound(idOrUpn: string): GraphError;
  /** Exchange endpoints answer 404 MailboxNotEnabledForRESTAPI for users without a mailbox. */
  needsMailbox: boolean;
}

export const DIRECTORY: Workload = {
  name: "directory",
  forbidden: directoryAccessDenied,
  userNotFound,
  needsMailbox: false,
};

export const EXCHANGE: Workload = {
  name: "exchange",
  forbidden: exchangeAccessDenied,
  userNotFound: invalidUser,
  needsMailbox: true,
};
