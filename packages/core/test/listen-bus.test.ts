import type { ServerEvent } from "@modelcontextprotocol/server";
import { describe, expect, it } from "vitest";
import { ListenBus } from "../src/listen-bus.js";

describe("ListenBus", () => {
  it("listens exactly while a stream is subscribed, telling each turn", () => {
    const bus = new ListenBus();
    const turns: boolean[] = [];
    bus.audience.onChange(() => turns.push(bus.audience.listening()));
    expect(bus.audience.listening()).toBe(false);
    const first = bus.subscribe(() => {});
    const second = bus.subscribe(() => {});
    first();
    expect(bus.audience.listening()).toBe(true);
    second();
    expect(bus.audience.listening()).toBe(false);
    expect(turns).toEqual([true, true, true, false]);
  });

  it("counts a stream unsubscribed twice once", () => {
    const bus = new ListenBus();
    const first = bus.subscribe(() => {});
    bus.subscribe(() => {});
    first();
    first();
    expect(bus.audience.listening()).toBe(true);
  });

  it("delivers what is published to the streams still subscribed", () => {
    const bus = new ListenBus();
    const heard: ServerEvent[] = [];
    const gone = bus.subscribe(() => heard.push({ kind: "tools_list_changed" }));
    bus.subscribe((event) => heard.push(event));
    gone();
    bus.publish({ kind: "resources_list_changed" });
    expect(heard).toEqual([{ kind: "resources_list_changed" }]);
  });
});
