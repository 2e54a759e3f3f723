import { optionNames, parseRateLimit, silentLogger } from "@mcp-toolkit/core";
import { describe, expect, it } from "vitest";
import { FetchError, type Progress } from "../src/fetch-errors.js";
import { createRateGate, type RateGateOptions } from "../src/rate-gate.js";

const url = (href: string) => new URL(href);
const progress = (): Progress => ({ phase: "connecting", bytes: 0 });
const never = () => new AbortController().signal;

function gate(limit: string | null, options: Partial<RateGateOptions> = {}) {
  let now = 0;
  const made = createRateGate(limit === null ? null : parseRateLimit(limit), {
    timeoutMs: 5000,
    settingNames: optionNames,
    logger: silentLogger,
    now: () => now,
    ...options,
  });
  return { ...made, advance: (ms: number) => (now += ms) };
}

async function refusal(promise: Promise<unknown>): Promise<FetchError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FetchError);
  return error as FetchError;
}

describe("createRateGate", () => {
  it("never waits without a limit", async () => {
    const g = gate(null);
    for (let i = 0; i < 100; i++) await g.wait(url("http://127.0.0.1:1/"), never(), progress());
  });

  it("refuses at once, naming the limit and its setting, when the next slot is past the time limit", async () => {
    const g = gate("1/min", { settingNames: (option) => `the server's ${option}` });
    await g.wait(url("http://127.0.0.1:8080/a"), never(), progress());
    const error = await refusal(g.wait(url("http://127.0.0.1:8080/b"), never(), progress()));
    expect(error.kind).toBe("rate-limited");
    expect(error.message).toBe(
      "rate limited: 127.0.0.1:8080 is limited to 1/min by the server's rateLimit, and the next slot is 60000 ms away; try later",
    );
  });

  it("gives a refused request's slot back, so the next one is not pushed further off", async () => {
    const g = gate("1/min");
    await g.wait(url("http://127.0.0.1:8080/"), never(), progress());
    await refusal(g.wait(url("http://127.0.0.1:8080/"), never(), progress()));
    g.advance(60_000);
    await g.wait(url("http://127.0.0.1:8080/"), never(), progress());
  });

  it("counts each host and port apart, and a default port as written out", async () => {
    const g = gate("1/min");
    await g.wait(url("http://127.0.0.1/"), never(), progress());
    await g.wait(url("http://127.0.0.1:8080/"), never(), progress());
    await g.wait(url("https://127.0.0.1/"), never(), progress());
    await refusal(g.wait(url("http://127.0.0.1:80/x"), never(), progress()));
  });

  it("waits for a slot within the time limit, saying so in the call's progress", async () => {
    const g = gate("50/s,burst=1");
    await g.wait(url("http://127.0.0.1:1/"), never(), progress());
    const state = progress();
    await g.wait(url("http://127.0.0.1:1/"), never(), state);
    expect(state.phase).toBe("waiting for the rate limit");
  });

  it("gives the slot back when the caller gives up waiting", async () => {
    // 10/s: each waiting request reserves 100 ms more; with a 150 ms time limit a third reservation is refused.
    const g = gate("10/s,burst=1", { timeoutMs: 150 });
    await g.wait(url("http://127.0.0.1:1/"), never(), progress());
    const cancelled = AbortSignal.abort();
    for (let i = 0; i < 3; i++) {
      const error = await g.wait(url("http://127.0.0.1:1/"), cancelled, progress()).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: "AbortError" });
    }
  });
});
