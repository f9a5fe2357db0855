// Pitfall 15: the Intune docs' single-entity samples wrap the entity in {"value": {…}}; Graph itself
// answers with the entity at the top level, as for every other single entity.
import assert from "node:assert/strict";
import { assertConforms } from "./csdl.ts";
import { withEmulator } from "./harness.ts";
import { getJson, postureToken } from "./posture-support.ts";

Deno.test(
  "pitfall 15: a managed device, a compliance policy and the state summary come unwrapped, unlike the docs' samples",
  withEmulator(async (h) => {
    const token = await postureToken(h, "contoso");
    const get = (path: string) => getJson<Record<string, unknown>>(h, path, token);
    const [device] = (await get("/deviceManagement/managedDevices?$top=1")).value as { id: string }[];
    const [policy] = (await get("/deviceManagement/deviceCompliancePolicies")).value as { id: string }[];
    const singles: [string, string, string][] = [
      [`/deviceManagement/managedDevices/${device.id}`, "managedDevice", device.id],
      [`/deviceManagement/deviceCompliancePolicies/${policy.id}`, "deviceCompliancePolicy", policy.id],
      [
        "/deviceManagement/deviceCompliancePolicyDeviceStateSummary",
        "deviceCompliancePolicyDeviceStateSummary",
        "",
      ],
    ];
    for (const [path, type, id] of singles) {
      const body = await get(path);
      assert.equal("value" in body, false, `${path}: no {value: …} wrapper`);
      assert.match(String(body["@odata.context"]), /\/\$entity$/, path);
      assert.equal(typeof body.id, "string", path);
      if (id) assert.equal(body.id, id, path);
      assertConforms(body, type);
    }
  }),
);
