// Licence SKUs and their service plans (skus.json), as Microsoft's "Product names and service plan
// identifiers for licensing" lists them: part numbers, SKU GUIDs, plan GUIDs and the `service` names
// Graph puts in assignedPlans. Only the SKUs the emulated tenants hold; the plan lists keep the plans
// that gate features (mail, SharePoint, Teams, Entra ID P1/P2, Intune, Defender for Office) and a few
// more. Two part numbers mislead on purpose, as Microsoft's do: O365_BUSINESS_PREMIUM is Business
// Standard and POWER_BI_STANDARD is Fabric (Free).
import data from "./skus.json" with { type: "json" };

export interface ServicePlan {
  id: string;
  name: string;
  /** `assignedPlans[].service` */
  service: string;
}

export interface SkuDefinition {
  skuId: string;
  skuPartNumber: string;
  /** The admin centre's product name (usage reports' "Assigned Products" upper-case it). */
  displayName: string;
  plans: readonly ServicePlan[];
  /** Self-service, viral or trial SKUs that MSP reports usually leave out. */
  free: boolean;
}

const PLAN_TABLE: Record<string, { id: string; service: string }> = data.servicePlans;

export function servicePlan(name: string): ServicePlan {
  const p = PLAN_TABLE[name];
  if (!p) throw new Error(`no service plan '${name}' in the catalogue`);
  return { name, ...p };
}

export const SKUS: readonly SkuDefinition[] = data.skus.map((s) => ({
  ...s,
  plans: s.plans.map(servicePlan),
}));

export function skuByPartNumber(partNumber: string): SkuDefinition {
  const sku = SKUS.find((s) => s.skuPartNumber === partNumber);
  if (!sku) throw new Error(`no SKU '${partNumber}' in the catalogue`);
  return sku;
}
