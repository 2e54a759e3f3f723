// A policy role that names something this server nearly offers is a typo (`list_tabels`), which would otherwise be
// accepted without a word and leave the role without the tool. A name far from everything offered is let through:
// one policy file may serve several servers, each offering its own tools. Pure: everything comes in as arguments.
import type { Offered, RolePolicy } from "./auth-roles.js";
import { closest } from "./nearest-name.js";

/** The first name in the policy's roles that is not offered but close to a name that is, said in one line. */
export function misspeltPolicyName(policy: RolePolicy, offered: readonly Offered[]): string | undefined {
  const names = offered.map((item) => item.name);
  for (const [role, listed] of Object.entries(policy.roles)) {
    for (const name of listed) {
      if (names.includes(name)) continue;
      const meant = closest(name, names);
      if (meant) {
        return `role "${role}" lists "${name}", which this server does not offer; did you mean "${meant}"? It offers ${names.join(", ")}`;
      }
    }
  }
  return undefined;
}
