// The 413 a server's factory answers, served over HTTP on 127.0.0.1, for a body one byte over the limit: the
// filesystem and SQLite tests check that it carries their own advice.
import { expect } from "vitest";
import { MAX_HTTP_BODY_BYTES, type ServerFactory, serveHttp } from "../src/index.js";

/** The error message of the 413 that `factory`, served with a token, answers to a body over the limit. */
export async function tooLargeMessage(factory: ServerFactory): Promise<string> {
  const token = "a-long-enough-shared-token-for-tests-0123456789";
  const endpoint = await serveHttp(factory, { host: "127.0.0.1", port: 0, token });
  try {
    const response = await fetch(endpoint.url, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: "x".repeat(MAX_HTTP_BODY_BYTES + 1),
    });
    expect(response.status).toBe(413);
    const { error } = (await response.json()) as { error: { message: string } };
    return error.message;
  } finally {
    await endpoint.close();
  }
}
