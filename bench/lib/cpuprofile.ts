import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { fileURLToPath } from "node:url";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Where a sample's time went: a bucket (package or node internals) and a function with its original source line. */
export interface Attribution {
  bucket: string;
  fn: string;
}

/** Group an original source path into a readable bucket: the npm package, or the workspace package's src. */
export function bucketOf(source: string): string {
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(source);
  if (pkg?.[1]) return pkg[1];
  const ours = /packages\/([^/]+)\/src\//.exec(source);
  if (ours?.[1]) return `@mcp-toolkit/${ours[1]}`;
  return source;
}

/** Maps bundle positions back to original sources through a source map of a byte-identical rebuild. */
export function sourceMapper(
  bundleUrl: string,
  mapFile: string,
): (frame: ProfileNode["callFrame"]) => Attribution | null {
  const payload = JSON.parse(readFileSync(mapFile, "utf8"));
  const map = new SourceMap(payload);
  const base = new URL(".", `file://${mapFile}`);
  return (frame) => {
    if (frame.url !== bundleUrl) return null;
    const entry = map.findEntry(frame.lineNumber, frame.columnNumber) as {
      originalSource?: string;
      originalLine?: number;
      name?: string;
    };
    if (!entry?.originalSource) return null;
    // A source the map names by another scheme (node:, a package's own URL) is shown as it is named.
    const url = new URL(entry.originalSource, base);
    const source = (url.protocol === "file:" ? fileURLToPath(url) : url.href).replace(/.*\/work\/main\//, "");
    const short = source.replace(/.*node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, "");
    return {
      bucket: bucketOf(source),
      fn: `${frame.functionName || "(anonymous)"} ${short}:${(entry.originalLine ?? 0) + 1}`,
    };
  };
}

/**
 * Self time (ms) by bucket and by function, and inclusive time by function (a sample counts once for every function
 * on its stack: where a whole step's cost goes, its callees included), for one .cpuprofile, with bundle frames mapped
 * to their sources.
 */
export function summarize(
  file: string,
  map: (frame: ProfileNode["callFrame"]) => Attribution | null,
): { totalMs: number; byBucket: [string, number][]; byFn: [string, number][]; inclusive: [string, number][] } {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const attributed = new Map<number, { bucket: string; fn: string }>();
  const attribute = (node: ProfileNode) => {
    let known = attributed.get(node.id);
    if (known) return known;
    const frame = node.callFrame;
    const mapped = map(frame);
    const bucket =
      mapped?.bucket ??
      (frame.url.startsWith("node:")
        ? `node:${frame.url.split("/")[2] ?? "internal"}`
        : frame.url
          ? bucketOf(frame.url)
          : `(${frame.functionName})`);
    const fn =
      mapped?.fn ??
      `${frame.functionName || "(anonymous)"} ${frame.url.split("/").slice(-2).join("/")}:${frame.lineNumber + 1}`;
    known = { bucket, fn };
    attributed.set(node.id, known);
    return known;
  };
  const byBucket = new Map<string, number>();
  const byFn = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let totalMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = nodes.get(id);
    if (!node) return;
    totalMs += ms;
    const { bucket, fn } = attribute(node);
    byBucket.set(bucket, (byBucket.get(bucket) ?? 0) + ms);
    byFn.set(fn, (byFn.get(fn) ?? 0) + ms);
    // Once per function on the stack, however deep it recurses.
    const onStack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      const frame = nodes.get(at);
      if (frame) onStack.add(attribute(frame).fn);
    }
    for (const name of onStack) inclusive.set(name, (inclusive.get(name) ?? 0) + ms);
  });
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return { totalMs, byBucket: sorted(byBucket), byFn: sorted(byFn), inclusive: sorted(inclusive) };
}
