// The generated world: deterministic from its seed, and shaped for the product's scenarios.
import assert from "node:assert/strict";
import { DEFAULT_APP, TENANT_IDS } from "../../local/graph-emulator/defaults.ts";
import { generateWorld, type WorldGenerator } from "../../local/graph-emulator/world/generate.ts";
import { ROLE } from "../../local/graph-emulator/world/roles.ts";
import { Slot } from "../../local/graph-emulator/world/slots.ts";

Deno.test("same seed and size give the same world; another seed gives another", () => {
  assert.deepStrictEqual(generateWorld(7, "small"), generateWorld(7, "small"));
  const a = generateWorld(1, "small");
  const b = generateWorld(2, "small");
  assert.notDeepStrictEqual(
    a.tenants.map((t) => t.users.map((u) => u.id)),
    b.tenants.map((t) => t.users.map((u) => u.id)),
  );
  // Tenant ids and domains are fixed so the stack and docs can name them.
  assert.deepEqual(a.tenants.map((t) => t.id), b.tenants.map((t) => t.id));
});

Deno.test("generators get their own stream: adding one does not change the directory", () => {
  const slot = new Slot<number[]>("probe");
  const probe: WorldGenerator = {
    name: "probe",
    generate: ({ world, random }) => slot.set(world, [random.int(0, 1e9), random.int(0, 1e9)]),
  };
  const plain = generateWorld(3, "small");
  const extended = generateWorld(3, "small", [probe]);
  assert.deepStrictEqual(extended.tenants, plain.tenants);
  assert.equal(slot.get(extended).length, 2);
  assert.deepStrictEqual(slot.get(generateWorld(3, "small", [probe])), slot.get(extended));
});

Deno.test("tenants have distinct licensing profiles and the expected kinds of users", () => {
  const w = generateWorld(1, "small");
  const byKey = Object.fromEntries(w.tenants.map((t) => [t.profile.key, t]));
  assert.equal(Object.keys(byKey).length, 4);
  assert.deepEqual(byKey.contoso.profile.features, { entraP1: true, intune: true, securityDefaults: false });
  assert.deepEqual(byKey.tailspin.profile.features, {
    entraP1: false,
    intune: false,
    securityDefaults: true,
  });
  assert.deepEqual(byKey.tailspin.profile.skuPartNumbers, ["O365_BUSINESS_ESSENTIALS"]);
  assert.ok(byKey.contoso.users.length > 100, "contoso pages at the default page size of 100");
  for (const t of w.tenants) {
    const kinds = new Set(t.users.map((u) => u.kind));
    assert.ok(kinds.has("member") && kinds.has("guest") && kinds.has("shared"), t.profile.key);
    assert.ok(
      t.users.some((u) => !u.graph.accountEnabled && u.kind === "member"),
      `${t.profile.key} has a disabled member`,
    );
    assert.ok(
      t.users.some((u) => u.roles.includes(ROLE.globalAdministrator)),
      `${t.profile.key} has a global admin`,
    );
    assert.equal(t.users[0].graph.userPrincipalName, `admin@${t.profile.initialDomain}`);
    const guest = t.users.find((u) => u.kind === "guest")!;
    assert.match(guest.graph.userPrincipalName, /#EXT#@/);
    assert.equal(guest.mailbox, null);
    const ids = new Set(t.users.map((u) => u.graph.userPrincipalName.toLowerCase()));
    assert.equal(ids.size, t.users.length, "UPNs are unique");
    // The default app is admin-consented everywhere for what the product needs.
    const consent = t.consents.get(DEFAULT_APP.clientId)!;
    assert.deepEqual(consent.appRoles, [...DEFAULT_APP.applicationPermissions]);
    assert.deepEqual(consent.adminScopes, [...DEFAULT_APP.delegatedScopes]);
  }
  assert.equal(byKey.contoso.id, TENANT_IDS.contoso);
});

Deno.test("sizes scale the directory", () => {
  const small = generateWorld(1, "small").tenants[0].users.length;
  const medium = generateWorld(1, "medium").tenants[0].users.length;
  assert.ok(medium > small);
});
