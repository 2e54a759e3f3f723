// Requests that wait for a 100 Continue before sending their body (curl's for bodies over 1 MiB): Node would send the
// 100 at once, so a client the server then refuses (a wrong token, a body too large) would upload it all first.
import type { IncomingMessage, Server, ServerResponse } from "node:http";

/** Whether the client waits for a 100 Continue before it sends its body. */
export const expectsContinue = (req: IncomingMessage) => req.headers?.expect?.trim().toLowerCase() === "100-continue";

/**
 * Serve `server`'s requests that wait for a 100 Continue as any other: the router sends the 100 (writeContinue) once it
 * has admitted the request and allowed its declared size. One answered without it closes its connection: the body it
 * did not send, or may send yet, leaves nothing on that connection that could be read as the next request.
 */
export function continueOnAdmission(server: Server): void {
  server.on("checkContinue", (req: IncomingMessage, res: ServerResponse) => {
    let continued = false;
    const { writeContinue, writeHead } = res;
    res.writeContinue = function (this: ServerResponse, ...args: unknown[]) {
      continued = true;
      return (writeContinue as (...rest: unknown[]) => void).apply(this, args);
    } as ServerResponse["writeContinue"];
    res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
      if (!continued) this.setHeader("connection", "close");
      return (writeHead as (...rest: unknown[]) => ServerResponse).apply(this, args);
    } as ServerResponse["writeHead"];
    server.emit("request", req, res);
  });
}
