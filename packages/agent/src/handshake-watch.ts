// undici's WebSocket reports a failed opening handshake as an error event with no reason: a certificate nothing here
// trusts, a refused connection and an HTTP 401 all read "WebSocket …: " (its cause is dropped inside undici). This
// dispatcher sees the handshake's HTTP exchange on its way through, so the transport can say what went wrong.
import type { Agent, Dispatcher } from "undici";
import { describeFailure } from "./describe-failure.js";

/** What the handshake's HTTP exchange ended in, as far as the dispatcher saw it. */
export interface HandshakeWatch {
  dispatcher: Dispatcher;
  /** Why the handshake failed, in words ("HTTP 401 Unauthorized instead of 101 Switching Protocols"), if seen. */
  failure(): string | undefined;
}

/** Wrap `agent` so that the status and the connection error of each exchange through it are recorded. */
export function watchHandshake(agent: Agent): HandshakeWatch {
  const seen: Seen = {};
  const dispatcher = agent.compose((dispatch) => (options, handler) => dispatch(options, observing(handler, seen)));
  return {
    dispatcher,
    failure() {
      const { status, error } = seen;
      // A response came first: undici aborts the exchange after it, which is no reason of its own.
      if (status && status.code !== 101) {
        const auth = status.code === 401 || status.code === 403 ? " (check the headers or token it is given)" : "";
        return `HTTP ${status.code}${status.text ? ` ${status.text}` : ""} instead of 101 Switching Protocols${auth}`;
      }
      if (status) return "the server switched protocols without accepting the mcp subprotocol";
      return error === undefined ? undefined : describeFailure(error);
    },
  };
}

/** The last response status and connection error seen. */
interface Seen {
  status?: { code: number; text: string };
  error?: unknown;
}

/**
 * What each watched handler method's arguments tell: undici calls either the older methods (onHeaders, onError) or
 * the newer ones (onResponseStart, onResponseError), with the status or the error at different places.
 */
const WATCHED: Record<string, (seen: Seen, args: unknown[]) => void> = {
  onHeaders: (seen, [code, , , text]) => {
    seen.status = { code: code as number, text: typeof text === "string" ? text : "" };
  },
  onResponseStart: (seen, [, code, , text]) => {
    seen.status = { code: code as number, text: typeof text === "string" ? text : "" };
  },
  onError: (seen, [error]) => {
    seen.error = error;
  },
  onResponseError: (seen, [, error]) => {
    seen.error = error;
  },
};

/** The handler, unchanged, recording into `seen` what its watched methods are called with. */
function observing(handler: Dispatcher.DispatchHandler, seen: Seen): Dispatcher.DispatchHandler {
  return new Proxy(handler, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== "function") return value;
      const watch = typeof key === "string" ? WATCHED[key] : undefined;
      return (...args: unknown[]) => {
        watch?.(seen, args);
        return value.apply(target, args);
      };
    },
  });
}
