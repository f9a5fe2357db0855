// Which service plans give a user a service, for usage reports and Secure Score applicability.
import { servicePlan } from "./skus.ts";

const ids = (...names: string[]) => names.map((n) => servicePlan(n).id);

export const PLANS_BY_SERVICE = {
  exchange: ids("EXCHANGE_S_ENTERPRISE", "EXCHANGE_S_STANDARD"),
  /** Exchange Online (Plan 2): 100 GB mailboxes. */
  exchangeLarge: ids("EXCHANGE_S_ENTERPRISE"),
  sharePoint: ids("SHAREPOINTENTERPRISE", "SHAREPOINTSTANDARD"),
  teams: ids("TEAMS1"),
  entraP1: ids("AAD_PREMIUM"),
  entraP2: ids("AAD_PREMIUM_P2"),
  intune: ids("INTUNE_A", "INTUNE_SMBIZ"),
  defenderForOffice: ids("ATP_ENTERPRISE"),
  purview: ids("RMS_S_ENTERPRISE"),
};
