import { describe, expect, it } from "vitest";
import { NAMES_SHARE, nameBytes, namesQuery, planTableList, tableListNote } from "../src/table-list.js";

const names = (n: number, prefix = "t") =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, "0")}`);
// Each of these names costs 8 bytes in `more`: five characters, two quotes and a comma.
const each = nameBytes("t0000");

describe("planTableList: columns while they fit, then the rest by name", () => {
  it.each([
    ["everything fits in full", names(3), [100, 100, 100], 1000, { detailed: 3, named: 0 }],
    ["nothing at all", [], [], 1000, { detailed: 0, named: 0 }],
    ["exactly the room", names(2), [500, 500], 1000, { detailed: 2, named: 0 }],
    // Cut: the 10 names (80 bytes) are set aside first, so the columns get 920 bytes: 9 entries of 100.
    [
      "a cut keeps room for every other name",
      names(10),
      [100, 100, 100, 100, 100, 100, 100, 100, 100, 100],
      999,
      { detailed: 9, named: 1 },
    ],
    // 1000 names need 8000 bytes, more than a quarter of 10000: the columns get 7500, names what is left.
    [
      "names claim at most a quarter ahead of the columns",
      names(1000),
      Array(80).fill(100),
      10_000,
      { detailed: 75, named: 312 },
    ],
    ["an entry over the whole room is named instead", names(2), [5000], 1000, { detailed: 0, named: 2 }],
    ["a room too small for anything", names(2), [100], 5, { detailed: 0, named: 0 }],
  ] as const)("%s", (_, list, sizes, room, expected) => {
    expect(each).toBe(8);
    expect(planTableList(list, sizes, room)).toEqual(expected);
  });

  it("never plans past the room, whatever the sizes", () => {
    for (const [count, size, room] of [
      [1200, 900, 99_400],
      [20_000, 900, 99_400],
      [50, 30_000, 99_400],
      [5000, 10, 400],
    ] as const) {
      const list = names(count);
      const sizes = Array(count).fill(size);
      const { detailed, named } = planTableList(list, sizes, room);
      const used = detailed * size + list.slice(detailed, detailed + named).reduce((s, n) => s + nameBytes(n), 0);
      expect(used).toBeLessThanOrEqual(room);
      expect(detailed + named).toBeLessThanOrEqual(count);
    }
    expect(NAMES_SHARE).toBe(0.25);
  });
});

describe("tableListNote", () => {
  it("says how many are shown with columns, and that the others are named in more", () => {
    expect(tableListNote({ detailed: 78, named: 1122 }, 1200, 100_000)).toBe(
      "showing 78 of 1200 tables and views with their columns (response cap 100000 bytes); the other 1122 are named in more, in the same order: describe_table shows any one's columns",
    );
  });

  it("gives the query that lists the names that did not fit, from where more stops", () => {
    const note = tableListNote({ detailed: 10, named: 5000 }, 20_000, 100_000);
    expect(note).toMatch(
      /^showing 10 of 20000 tables and views .*, the next 5000 by name in more, and 14990 not named here: execute_query lists them, /,
    );
    expect(note).toContain(namesQuery(5010));
    expect(namesQuery(5010)).toMatch(/ORDER BY name LIMIT 500 OFFSET 5010$/);
  });
});
