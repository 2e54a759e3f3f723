// A `resources/read` of a URI no resource or template of the server matches is answered by the SDK before any of ours
// runs: "Resource not found: x" or "Resource URI x is invalid", which say nothing of what could be read instead; so is
// a `completion/complete` of a template it does not have ("Resource template x not found").
import { type McpServer, ProtocolErrorCode } from "@modelcontextprotocol/server";
import { explainErrors } from "./request-watch.js";

/**
 * The SDK's answer to a read of a URI no resource (`uris`) or template (`templates`) matches, told what this server
 * reads, and to a completion of a template it does not have, told which it has. Undefined for any other message.
 */
export function unknownResourceMessage(
  message: string,
  uris: readonly string[],
  templates: readonly string[],
): string | undefined {
  // completion/complete of a template this server does not have.
  if (/^Resource template .* not found$/s.test(message)) {
    if (templates.length === 0) return `${message}; this server has no resource templates to complete`;
    return `${message}; this server completes the variables of ${templates.join(", ")} (resources/templates/list shows them)`;
  }
  if (!/^Resource not found: /.test(message) && !/^Resource URI .* is invalid$/s.test(message)) return undefined;
  const kinds = [
    ...(uris.length > 0 ? [`the resources ${uris.join(", ")}`] : []),
    ...(templates.length > 0 ? [`URIs of the form ${templates.join(", ")}`] : []),
  ];
  if (kinds.length === 0) return `${message}; this server offers no resources`;
  return `${message}; this server reads ${kinds.join(" and ")} (resources/list and resources/templates/list show them)`;
}

/** Have `server`'s answers to reads of URIs it has nothing at say what it reads instead, from its next connection on. */
export function explainUnknownResources(
  server: McpServer,
  uris: readonly string[],
  templates: readonly string[],
): void {
  // Invalid params is what the SDK answers a URI it cannot read with (2025's -32002 included).
  explainErrors(server, [ProtocolErrorCode.InvalidParams], (message) =>
    unknownResourceMessage(message, uris, templates),
  );
}
