// The posture data of the caller's tenant.
import type { EndpointContext } from "../../graph/endpoint.ts";
import { postureOf, type PostureTenant } from "../state.ts";

export function posture(ctx: EndpointContext): PostureTenant {
  return postureOf(ctx.runtime.world, ctx.tenant);
}
