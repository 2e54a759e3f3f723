// How directory_tree spends its caps (entries, and bytes of the reply): on a monorepo a depth-first tree filled them
// with the first package and never showed the others. Whole levels go first, shallowest first; the first level that
// does not fit whole is shared out in turns, one entry of each of its directories at a time, so that no one directory
// (node_modules, a generated folder) takes it all. Pure: the walk's entries come in, which to show goes out.

/** One entry, as the walk met them: level by level, each directory's entries together. */
export interface TreeItem {
  depth: number;
  /** Its directory: entries with the same parent are one directory's. */
  parent: number;
  /** Bytes it takes in the reply. */
  cost: number;
}

/** Which entries to show (one flag each, in the order given), and the depth of the level shown only in part. */
export interface TreeChoice {
  shown: boolean[];
  /** The shallowest level with an entry left out; undefined when every entry given is shown. */
  partDepth?: number;
}

/** Whole levels while they fit `maxEntries` and `room` bytes; then the first that does not, in turns across its directories. */
export function chooseEntries(items: readonly TreeItem[], maxEntries: number, room: number): TreeChoice {
  const shown = items.map(() => false);
  let count = 0;
  let bytes = 0;
  for (let start = 0; start < items.length; ) {
    const depth = (items[start] as TreeItem).depth;
    let end = start;
    let cost = 0;
    for (; end < items.length && (items[end] as TreeItem).depth === depth; end++) cost += (items[end] as TreeItem).cost;
    if (count + (end - start) <= maxEntries && bytes + cost <= room) {
      for (let i = start; i < end; i++) shown[i] = true;
      count += end - start;
      bytes += cost;
      start = end;
      continue;
    }
    // Each directory's entries of this level, in order; then one of each in turn, until one does not fit.
    const groups: number[][] = [];
    for (let i = start; i < end; i++) {
      const last = groups.at(-1);
      if (last && items[last[0] as number]?.parent === (items[i] as TreeItem).parent) last.push(i);
      else groups.push([i]);
    }
    const longest = Math.max(...groups.map((g) => g.length));
    turns: for (let turn = 0; turn < longest; turn++) {
      for (const group of groups) {
        const i = group[turn];
        if (i === undefined) continue;
        const item = items[i] as TreeItem;
        if (count + 1 > maxEntries || bytes + item.cost > room) break turns;
        shown[i] = true;
        count++;
        bytes += item.cost;
      }
    }
    return { shown, partDepth: depth };
  }
  return { shown };
}
