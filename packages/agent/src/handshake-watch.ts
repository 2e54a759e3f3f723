// undici's WebSocket reports a failed opening handshake as an error event with no reason: a certificate nothing here
// trusts, a refused connection and an HTTP 401 all read "WebSocket …: " (its cause is dropped inside undici). This
// dispatcher sees the handshake's HTTP exchange on its way through, so the transport can say what went wrong.
import type { Agent, Dispatcher } from "undici";
import { describeFailure } from "./server-errors.js";

/** What the handshake's HTTP exchange ended in, as far as the dispatcher saw it. */
export interface HandshakeWatch {
  dispatcher: Dispatcher;
  /** Why the handshake failed, in words ("HTTP 401 Unauthorized instead of 101 Switching Protocols"), if seen. */
  failure(): string | undefined;
}

/** Wrap `agent` so that the status and the connection error of each exchange through it are recorded. */
export function watchHandshake(agent: Agent): HandshakeWatch {
  let status: { code: number; text: string } | undefined;
  let error: unknown;
  const dispatcher = agent.compose(
    (dispatch) => (options, handler) =>
      dispatch(
        options,
        observing(handler, {
          status: (code, text) => {
            status = { code, text };
          },
          error: (e) => {
            error = e;
          },
        }),
      ),
  );
  return {
    dispatcher,
    failure() {
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

interface Observer {
  status(code: number, text: string): void;
  error(error: unknown): void;
}

/**
 * The handler, unchanged, reporting its response status and error to `observer`. undici calls either its older
 * handler methods (onHeaders, onError) or the newer ones (onResponseStart, onResponseError); both are watched.
 */
function observing(handler: Dispatcher.DispatchHandler, observer: Observer): Dispatcher.DispatchHandler {
  return new Proxy(handler, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== "function") return value;
      const call = (...args: unknown[]) => value.apply(target, args);
      switch (key) {
        case "onHeaders":
          return (...args: unknown[]) => {
            observer.status(args[0] as number, typeof args[3] === "string" ? args[3] : "");
            return call(...args);
          };
        case "onResponseStart":
          return (...args: unknown[]) => {
            observer.status(args[1] as number, typeof args[3] === "string" ? args[3] : "");
            return call(...args);
          };
        case "onError":
          return (...args: unknown[]) => {
            observer.error(args[0]);
            return call(...args);
          };
        case "onResponseError":
          return (...args: unknown[]) => {
            observer.error(args[1]);
            return call(...args);
          };
        default:
          return call;
      }
    },
  });
}
