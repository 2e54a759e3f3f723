// Which offered resource a `resources/read` names, so the HTTP gate judges a read against the caller's roles as it
// judges a tool call or a prompt. Resolved as the SDK resolves the read it will serve: the URI as `new URL` writes
// it, a fixed resource first, then the first template that matches. Pure.
import { UriTemplate } from "@modelcontextprotocol/server";
import type { Offered } from "./auth-roles.js";

/** The name of the offered resource `uri` reads; undefined when none does (the server answers "not found"). */
export function resourceOf(uri: string, offered: readonly Offered[]): string | undefined {
  let href: string;
  try {
    href = new URL(uri).toString();
  } catch {
    return undefined;
  }
  const resources = offered.filter((o) => o.kind === "resource");
  const fixed = resources.find((o) => o.uri === href);
  if (fixed) return fixed.name;
  return resources.find((o) => o.uriTemplate !== undefined && new UriTemplate(o.uriTemplate).match(href) !== null)
    ?.name;
}
