// The SDK's node:http adapter, typed for Node's own request. The SDK declares the request it takes as
// `{ method?: string; url?: string; … }`, and Node's IncomingMessage has `method?: string | undefined`: under
// exactOptionalPropertyTypes those differ, so handing the SDK a plain `req` fails to compile in such a project.
// At run time they are the same object; only the declaration differs, so the one assertion lives here.
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  type FetchLikeMcpHandler,
  type NodeIncomingMessageLike,
  type ToNodeHandlerOptions,
  toNodeHandler,
} from "@modelcontextprotocol/node";

/**
 * Serves one node:http request: `parsedBody` is a body already read; without it, a body a middleware read and left on
 * `req.body` (`express.json()`), else `req` is read.
 */
export type NodeMcpHandler = (req: IncomingMessage, res: ServerResponse, parsedBody?: unknown) => Promise<void>;

/**
 * The SDK's `toNodeHandler(handler, options)` taking node:http's IncomingMessage and ServerResponse as Node declares
 * them, so `app` code type-checks under any strictness: `nodeMcpHandler(createMcpHandler(factory))`.
 */
export function nodeMcpHandler(handler: FetchLikeMcpHandler, options?: ToNodeHandlerOptions): NodeMcpHandler {
  const adapted = toNodeHandler(handler, options);
  return (req, res, parsedBody) => adapted(sdkRequest(req), res, parsedBody ?? bodyReadBefore(req));
}

/**
 * The body a middleware parsed onto `req.body` (express.json(), body-parser), when it read the whole request: the
 * stream then yields nothing, and reading it again gave the client "Parse error: Invalid JSON". A middleware that
 * left the request unread (another content type) leaves it to be read here.
 */
function bodyReadBefore(req: IncomingMessage): unknown {
  if (!req.readableEnded) return undefined;
  const { body } = req as { body?: unknown };
  if (typeof body !== "string" && !Buffer.isBuffer(body)) return typeof body === "object" ? body : undefined;
  // Raw bytes or text (express.raw(), express.text()): parsed here; what does not parse is the SDK's to answer.
  try {
    return JSON.parse(body.toString());
  } catch {
    return undefined;
  }
}

/** Node's request as the SDK declares what it takes (the same object; see above). */
export function sdkRequest(req: IncomingMessage): NodeIncomingMessageLike {
  return req as NodeIncomingMessageLike;
}
