import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hasOtherForms, twinOfNewName, unicodeTwin } from "../src/unicode-twin.js";
import { connect, tempDir, textOf } from "./helpers.js";

const NFC = "caf\u00e9.txt";
const NFD = "cafe\u0301.txt";

describe("hasOtherForms", () => {
  it.each([
    ["plain.txt", false],
    [NFC, true],
    [NFD, true],
    ["日本.txt", false],
  ])("%s: %s", (name, other) => {
    expect(hasOtherForms(name)).toBe(other);
  });
});

describe("unicodeTwin", () => {
  const ws = tempDir();
  writeFileSync(path.join(ws.dir, NFD), "decomposed");
  writeFileSync(path.join(ws.dir, "r\u00e9sum\u00e9.md"), "composed");
  afterAll(() => ws.cleanup());
  const never = () => false;

  it.each([
    [NFC, NFD],
    ["re\u0301sume\u0301.md", "r\u00e9sum\u00e9.md"],
    [NFD, undefined], // the name itself: not a twin
    ["plain.txt", undefined],
    ["na\u00efve.txt", undefined],
  ])("%j → %j", (name, twin) => {
    expect(unicodeTwin(ws.dir, name, never)).toBe(twin);
  });

  it("keeps a hidden twin unsaid", () => {
    expect(unicodeTwin(ws.dir, NFC, () => true)).toBeUndefined();
  });

  it("names the twin a new entry would be, except the entry being renamed into its other form", () => {
    expect(twinOfNewName(ws.dir, NFC, never)).toBe(NFD);
    expect(twinOfNewName(ws.dir, NFC, never, NFD)).toBeUndefined();
    expect(twinOfNewName(ws.dir, "plain.txt", never)).toBeUndefined();
  });

  it("tells read_file, which was told 'not found', the name that is there", async () => {
    const s = await connect({ root: ws.dir });
    try {
      const result = await s.call("read_file", { path: NFC });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toBe(
        `read_file failed: "${NFC}": not found, but "${NFD}" is: the same name in another Unicode form (NFC/NFD; macOS writes names decomposed); use that one`,
      );
      expect(textOf(await s.call("read_file", { path: NFD }))).toBe("decomposed");
    } finally {
      await s.close();
    }
  });
});
