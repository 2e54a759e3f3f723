import type { LookupAddress } from "node:dns";
import { describe, expect, it } from "vitest";
import { guardedLookup } from "../src/connector.js";

type Answer = { error: Error | null; address: string | LookupAddress[]; family?: number };

/** Run the guarded lookup over a resolver with a fixed answer; nothing touches the network. */
function resolve(addresses: string[], allowPrivate: boolean, all: boolean, allowLoopback = false): Promise<Answer> {
  const fixed = ((_host: string, _options: unknown, cb: (e: Error | null, a: LookupAddress[]) => void) =>
    cb(
      null,
      addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 })),
    )) as unknown as typeof import("node:dns").lookup;
  return new Promise((done) =>
    guardedLookup({ allowPrivate, allowLoopback }, fixed)("host.test", { all }, (error, address, family) =>
      done({ error, address, ...(family !== undefined ? { family } : {}) }),
    ),
  );
}

describe("guardedLookup", () => {
  it("passes public addresses through in either callback form", async () => {
    expect(await resolve(["93.184.216.34"], false, false)).toEqual({
      error: null,
      address: "93.184.216.34",
      family: 4,
    });
    expect((await resolve(["93.184.216.34", "2606:2800::1"], false, true)).address).toHaveLength(2);
  });

  it.each([
    [
      ["127.0.0.1"],
      "refused: host.test resolves to 127.0.0.1, a loopback address; the server's operator can allow loopback alone with allowLoopback: true",
    ],
    [["93.184.216.34", "10.1.1.1"], "refused: host.test resolves to 10.1.1.1, a private address"],
    [["::ffff:169.254.169.254"], "resolves to ::ffff:169.254.169.254, a link-local address"],
    [["0.0.0.0"], "resolves to 0.0.0.0, an unspecified address, which is never fetched"],
  ])("refuses %j", async (addresses, message) => {
    const { error } = await resolve(addresses, false, true);
    expect(error?.message).toContain(message);
  });

  it.each([
    [["127.0.0.1"], null],
    [["::1", "127.0.0.1"], null],
    [["127.0.0.1", "10.1.1.1"], "resolves to 10.1.1.1, a private address"],
    [["169.254.169.254"], "resolves to 169.254.169.254, a link-local address"],
    [["fd00::1"], "resolves to fd00::1, a unique-local address"],
    [["192.168.1.10"], "allowPrivate: true, since allowLoopback: true opens this host's loopback only"],
  ])("with allowLoopback, %j → %s", async (addresses, message) => {
    const { error } = await resolve(addresses, false, true, true);
    if (message === null) expect(error).toBeNull();
    else expect(error?.message).toContain(message);
  });

  it.each([
    [true, null],
    [false, "refused: app.localhost resolves to 127.0.0.1, a loopback address"],
  ])("answers app.localhost as loopback without a lookup (allowLoopback %s)", async (allowLoopback, message) => {
    const asked: string[] = [];
    const dns = ((host: string, _options: unknown, cb: (e: Error) => void) => {
      asked.push(host);
      cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" }));
    }) as unknown as typeof import("node:dns").lookup;
    const answer = await new Promise<Answer>((done) =>
      guardedLookup({ allowPrivate: false, allowLoopback }, dns)("app.localhost", { all: false }, (error, address) =>
        done({ error, address }),
      ),
    );
    expect(asked).toEqual([]);
    if (message === null) expect(answer).toEqual({ error: null, address: "127.0.0.1" });
    else expect(answer.error?.message).toContain(message);
  });

  it("lets private addresses through with allowPrivate, but never the unspecified one", async () => {
    expect((await resolve(["10.1.1.1"], true, false)).error).toBeNull();
    expect((await resolve(["0.0.0.0"], true, false)).error?.message).toContain("never fetched");
  });
});
