// Typed storage for data other generators attach to the world (mailboxes, posture), so they
// extend the world without changing its core types.
import type { World } from "./types.ts";

export class Slot<T> {
  constructor(readonly name: string) {}

  get(world: World): T {
    if (!world.slots.has(this.name)) throw new Error(`world slot '${this.name}' was not generated`);
    return world.slots.get(this.name) as T;
  }

  set(world: World, value: T): void {
    world.slots.set(this.name, value);
  }
}
