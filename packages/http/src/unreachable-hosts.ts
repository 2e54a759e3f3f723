// Allowed hosts the address policy refuses on every call: an IP literal or localhost listed without the setting that
// opens its class. Pure: judged by the same check a call meets, on the host as written; nothing is looked up.
import { optionNames } from "@mcp-toolkit/core";
import { checkHostAddress, parsePattern, type UrlPolicy } from "./url-policy.js";

/** An `allowHosts` entry no call can reach, and the setting that would open it (null: its class is never fetched). */
export interface UnreachableHost {
  pattern: string;
  opener: "allowLoopback" | "allowPrivate" | null;
}

/** The narrowest setting first: loopback alone opens less than every private range. */
const OPENERS = ["allowLoopback", "allowPrivate"] as const;

/** The `allowHosts` entries the address policy refuses whatever is asked, each with what would open it. */
export function unreachableHosts(policy: UrlPolicy): UnreachableHost[] {
  return policy.allowHosts.flatMap((pattern) => {
    const parsed = parsePattern(pattern);
    if (!parsed) return [];
    // Every subdomain of a wildcard is judged alike: `*.localhost` is loopback by name, `*.example.com` only a name.
    const host = parsed.wildcard ? `sub.${parsed.host}` : parsed.host;
    if (checkHostAddress(host, policy).ok) return [];
    const opener = OPENERS.find((setting) => checkHostAddress(host, { ...policy, [setting]: true }).ok) ?? null;
    return [{ pattern: pattern.trim(), opener }];
  });
}

/** One start-up line naming the allowed hosts no call can reach and the setting that would open each; or undefined. */
export function unreachableHostsWarning(policy: UrlPolicy): string | undefined {
  const hosts = unreachableHosts(policy);
  if (hosts.length === 0) return undefined;
  const names = policy.settingNames ?? optionNames;
  const groups = [...OPENERS, null].flatMap((opener) => {
    const listed = hosts.filter((host) => host.opener === opener).map((host) => host.pattern);
    if (listed.length === 0) return [];
    const one = listed.length === 1;
    return opener
      ? [`${listed.join(", ")} ${one ? "needs" : "need"} ${names(opener, "true")}`]
      : [`${listed.join(", ")} ${one ? "is" : "are"} never fetched, whatever the settings`];
  });
  return `${names("allowHosts")} lists hosts no call can reach under the current address policy (refused, and left out of url completion): ${groups.join("; ")}`;
}
