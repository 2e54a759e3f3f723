import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { UsageError, type Verdict } from "@mcp-toolkit/core";

/** Why a redirect is not this login's: any local process, or a web page guessing the port, can send one. */
export const NOT_THIS_LOGIN = "the redirect did not carry this login's state";

/**
 * What the authorization server's redirect brought back, judged: a state that is not this login's (a forged or
 * stale redirect) first, so only the real redirect can end the login with an error of its wording; then its error,
 * or no code, each in words; else the code and the issuer it names (RFC 9207).
 */
export function callbackVerdict(
  query: URLSearchParams,
  state: string,
): Verdict<{ code: string; iss: string | undefined }> {
  if (query.get("state") !== state) return { ok: false, reason: NOT_THIS_LOGIN };
  const error = query.get("error");
  if (error) {
    const description = query.get("error_description");
    return { ok: false, reason: `the authorization server said ${error}${description ? `: ${description}` : ""}` };
  }
  const code = query.get("code");
  if (!code) return { ok: false, reason: "the redirect carried no authorization code" };
  return { ok: true, code, iss: query.get("iss") ?? undefined };
}

/** What the first redirect brought back, judged (callbackVerdict). */
export type CallbackVerdict = ReturnType<typeof callbackVerdict>;

/** The loopback redirect listener of one login. */
export interface Loopback {
  /** The redirect URI: http://127.0.0.1:PORT/callback. */
  url: string;
  /** The first redirect's verdict, or a UsageError when none comes in time or the login is interrupted. */
  next(timeoutMs: number, signal: AbortSignal | undefined): Promise<CallbackVerdict>;
  close(): void;
}

/**
 * Listen on 127.0.0.1 (`port`, or any free one when 0) for the browser's return to /callback, judged against the
 * login's `state` (read when the browser comes back), so the page says what the terminal will: done, or why not.
 * A redirect without this login's state is refused (400) and the login keeps waiting for the real one.
 */
export async function listenForCallback(port: number, label: string, state: () => string): Promise<Loopback> {
  let arrived: (verdict: CallbackVerdict) => void = () => {};
  const callback = new Promise<CallbackVerdict>((resolve) => {
    arrived = resolve;
  });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname !== "/callback") {
      res.writeHead(404).end();
      return;
    }
    const verdict = callbackVerdict(url.searchParams, state());
    const headers = { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" };
    if (!verdict.ok && verdict.reason === NOT_THIS_LOGIN) {
      res.writeHead(400, headers).end(`Not this login's redirect: ${NOT_THIS_LOGIN}. The login is still waiting.`);
      return;
    }
    res.writeHead(verdict.ok ? 200 : 400, headers);
    res.end(
      verdict.ok
        ? "Logged in. You can close this tab."
        : `Login failed: ${verdict.reason}. Return to the terminal and run the login again.`,
    );
    arrived(verdict);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      // A fixed port is the servers file's oauth.callbackPort: another program (or login) holds it.
      const hint =
        port !== 0 && error.code === "EADDRINUSE"
          ? "; another program is using it: stop that, or change oauth.callbackPort in the servers file (and the redirect URI registered for the client)"
          : "";
      reject(new UsageError(`${label}: cannot listen on 127.0.0.1:${port} for the redirect (${error.code})${hint}`));
    });
    server.listen(port, "127.0.0.1", resolve);
  });
  const { port: bound } = server.address() as AddressInfo;
  let timer: NodeJS.Timeout | undefined;
  return {
    url: `http://127.0.0.1:${bound}/callback`,
    next(timeoutMs, signal) {
      const timeout = new Promise<never>((_, reject) => {
        const seconds = Math.round(timeoutMs / 1000);
        timer = setTimeout(
          () => reject(new UsageError(`${label}: no answer from the browser within ${seconds} s`)),
          timeoutMs,
        );
      });
      // Ctrl-C may come before the wait does (while the browser opens): an abort already done counts too.
      const aborted = new Promise<never>((_, reject) => {
        const stop = () => reject(new UsageError(`${label}: interrupted`));
        if (signal?.aborted) stop();
        else signal?.addEventListener("abort", stop, { once: true });
      });
      return Promise.race([callback, timeout, aborted]);
    },
    close() {
      clearTimeout(timer);
      server.closeAllConnections();
      server.close();
    },
  };
}
