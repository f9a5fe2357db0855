// Licence SKUs by GUID, from Microsoft's "Product names and service plan identifiers for
// licensing": the admin centre's product name and the bucket a dashboard counts it in. Buckets go
// by GUID, never by part number: O365_BUSINESS_PREMIUM is Business *Standard*, SPB is Business
// Premium, and POWER_BI_STANDARD is Fabric (Free). Unknown GUIDs show their part number in Others.

export type LicenseCategory = "Basic" | "Standard" | "Premium" | "Others";

export interface KnownSku {
  name: string;
  category: LicenseCategory;
  /** Free, viral or trial SKUs: left out of licence summaries, as MSP tools do. */
  free?: boolean;
}

const SKUS: Record<string, KnownSku> = {
  // Microsoft 365 Business
  "3b555118-da6a-4418-894f-7df1e2096870": { name: "Microsoft 365 Business Basic", category: "Basic" },
  "dab7782a-93b1-4074-8bb1-0e61318bea0b": { name: "Microsoft 365 Business Basic", category: "Basic" },
  "f245ecc8-75af-4f8e-b61f-27d8114de5f3": { name: "Microsoft 365 Business Standard", category: "Standard" },
  "ac5cef5d-921b-4f97-9ef3-c99076e5470f": {
    name: "Microsoft 365 Business Standard - Prepaid Legacy",
    category: "Standard",
  },
  "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46": { name: "Microsoft 365 Business Premium", category: "Premium" },
  "cdd28e44-67e3-425e-be4c-737fab2899d3": { name: "Microsoft 365 Apps for business", category: "Others" },
  "b214fe43-f5a3-4703-beeb-fa97188220fc": { name: "Microsoft 365 Apps for business", category: "Others" },
  // Enterprise, frontline and add-ons
  "05e9a617-0261-4cee-bb44-138d3ef5d965": { name: "Microsoft 365 E3", category: "Others" },
  "06ebc4ee-1bb5-47dd-8120-11324bc54e06": { name: "Microsoft 365 E5", category: "Others" },
  "66b55226-6b4f-492c-910c-a3b7a3c9d993": { name: "Microsoft 365 F3", category: "Others" },
  "18181a46-0d4e-45cd-891e-60aabd171b4e": { name: "Office 365 E1", category: "Others" },
  "6fd2c87f-b296-42f0-b197-1e91e994b900": { name: "Office 365 E3", category: "Others" },
  "c7df2760-2c81-4ef7-b578-5b5392b571df": { name: "Office 365 E5", category: "Others" },
  "4b9405b0-7788-4568-add1-99614e613b69": { name: "Exchange Online (Plan 1)", category: "Others" },
  "19ec0d23-8335-4cbd-94ac-6050e30712fa": { name: "Exchange Online (Plan 2)", category: "Others" },
  "efccb6f7-5641-4e0e-bd10-b4976e1bf68e": { name: "Enterprise Mobility + Security E3", category: "Others" },
  "b05e124f-c7cc-45a0-a6aa-8cf78c946968": { name: "Enterprise Mobility + Security E5", category: "Others" },
  "078d2b04-f1bd-4111-bbd4-b4b1b354cef4": { name: "Microsoft Entra ID P1", category: "Others" },
  "84a661c4-e949-4bd2-a560-ed7766fcaf2b": { name: "Microsoft Entra ID P2", category: "Others" },
  "061f9ace-7d42-4136-88ac-31dc755f143f": { name: "Intune Plan 1", category: "Others" },
  "f8a1db68-be16-40ed-86d5-cb42ce701560": { name: "Power BI Pro", category: "Others" },
  "c5928f49-12ba-48f7-ada3-0d743a3601d5": { name: "Visio Plan 2", category: "Others" },
  "09015f9f-377f-4538-bbb5-f75ceb09358a": { name: "Project Plan 5", category: "Others" },
  "e43b5b99-8dfb-405f-9987-dc307f34bcbd": { name: "Microsoft Teams Phone Standard", category: "Others" },
  // Free and trial
  "f30db892-07e9-47e9-837c-80727f46fd3d": {
    name: "Microsoft Power Automate Free",
    category: "Others",
    free: true,
  },
  "a403ebcc-fae0-4ca2-8c8c-7a907fd6c235": { name: "Microsoft Fabric (Free)", category: "Others", free: true },
  "710779e8-3d4a-4c88-adb9-386c958d1fdf": {
    name: "Microsoft Teams Exploratory",
    category: "Others",
    free: true,
  },
};

/** What we know of a SKU; unknown ones are counted in Others under their part number. */
export function skuInfo(skuId: string, skuPartNumber: string): KnownSku {
  return SKUS[skuId.toLowerCase()] ?? { name: skuPartNumber, category: "Others" };
}
