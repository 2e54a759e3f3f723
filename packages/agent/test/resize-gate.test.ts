import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { resizeWhileDrawn } from "../src/resize-gate.js";

describe("resizeWhileDrawn", () => {
  it("passes writes and the size through, and a resize only while something is drawn", () => {
    const terminal = Object.assign(new PassThrough(), { columns: 80, rows: 24, isTTY: true });
    let written = "";
    terminal.on("data", (chunk: Buffer) => {
      written += chunk.toString();
    });
    let drawn = false;
    const { output, dispose } = resizeWhileDrawn(terminal, () => drawn);
    let resizes = 0;
    output.on("resize", () => resizes++);

    output.write("> ");
    terminal.columns = 40;
    terminal.emit("resize");
    expect(resizes).toBe(0);
    drawn = true;
    terminal.emit("resize");
    expect(resizes).toBe(1);
    expect(output).toMatchObject({ columns: 40, rows: 24, isTTY: true });
    expect(written).toBe("> ");

    dispose();
    terminal.emit("resize");
    expect(resizes).toBe(1);
    expect(terminal.listenerCount("resize")).toBe(0);
  });
});
