/**
 * CPU per search_files call, by content pattern, over the search-files-rg figure's 20,000 files: plain text next to
 * regexes of several shapes, our filesystem server in-process over InMemoryTransport (no stdio, no build needed).
 * Interleaved rounds; prints each pattern's CPU ms per call (min–max over rounds) and a digest of its answer, so two
 * versions can be checked to give the same hits. The tree is kept in $TMPDIR/mcp-search-regex between runs.
 *   pnpm exec tsx --conditions=@mcp-toolkit/source bench/experiments/search-regex.ts [--rounds 5] [--only 1,3]
 * --src DIR loads the server from another copy of packages/filesystem/src (an older commit's, unpacked next to it
 * with `git archive`), so two versions can be run in turn on the same tree.
 */
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { InMemoryTransport } from "../../packages/core/node_modules/@modelcontextprotocol/server/dist/index.mjs";
import { Client } from "../deps.js";
import { median } from "../lib/stats.js";
import { NEEDLE, textTree } from "../lib/tree.js";

const { values } = parseArgs({
  options: { rounds: { type: "string", default: "5" }, only: { type: "string" }, src: { type: "string" } },
});
const src = resolve(values.src ?? join(import.meta.dirname, "../../packages/filesystem/src"));
const { createFilesystemServer } = (await import(
  join(src, "index.js")
)) as typeof import("../../packages/filesystem/src/index.js");
const PATTERNS = [
  NEEDLE, // plain text: the floor
  `/${NEEDLE}/`, // a regex that is all literal
  "/needle-[0-9a-f]+/", // a literal prefix, then a class
  "/\\bneedle-\\w+$/m", // anchors and escapes around a literal
  "/dog 99[0-9]{2}\\.*$/", // a literal that most files hold
  "/NEEDLE-7F3A9C/i", // case-insensitive: a case-blind byte prefilter
  "/needle|haystack/", // alternation at the top
  "/TODO|FIXME|XXX/", // alternation of three short words
  "/(?:error|warn)ing/", // a group of alternatives, and a literal after it
  "/\\b(?:foo|bar)\\b/", // a group of alternatives alone between anchors
  "/needle-7f3a9c|haystack/i", // alternation, case-insensitive
  // 8 and 16 words of lower-case letters, every one of which the tree's lines hold: the prefilter's worst case
  "/alpha|bravo|charlie|delta|echo|foxtrot|golf|hotel/",
  "/alpha|bravo|charlie|delta|echo|foxtrot|golf|hotel|india|juliet|kilo|lima|mike|november|oscar|papa/",
];
const chosen = values.only ? values.only.split(",").map((i) => PATTERNS[Number(i)] as string) : PATTERNS;

const tree = textTree(join(tmpdir(), "mcp-search-regex"), 20_000, 10_240);
const server = createFilesystemServer({ root: tree.root, searchTimeoutMs: 120_000 });
const client = new Client({ name: "bench-search-regex", version: "0.1.0" });
const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
await server.connect(serverSide);
await client.connect(clientSide);
await client.listTools();

const search = async (content: string) => {
  const cpu = process.cpuUsage();
  const result = await client.callTool({ name: "search_files", arguments: { pattern: "**/*.txt", content } });
  const used = process.cpuUsage(cpu);
  const digest = createHash("sha256").update(JSON.stringify(result)).digest("hex").slice(0, 12);
  return { ms: (used.user + used.system) / 1000, digest };
};

const samples = new Map<string, number[]>();
const digests = new Map<string, Set<string>>();
for (const content of chosen) await search(content); // warm-up
for (let round = 0; round < Number(values.rounds); round++) {
  for (const content of round % 2 === 0 ? chosen : [...chosen].reverse()) {
    const { ms, digest } = await search(content);
    samples.set(content, [...(samples.get(content) ?? []), ms]);
    digests.set(content, (digests.get(content) ?? new Set()).add(digest));
  }
}
for (const content of chosen) {
  const ms = samples.get(content) ?? [];
  process.stdout.write(
    `${median(ms).toFixed(0).padStart(6)} ms CPU  [${Math.min(...ms).toFixed(0)}–${Math.max(...ms).toFixed(0)}]  ` +
      `${[...(digests.get(content) ?? [])].join(",")}  ${content}\n`,
  );
}
await client.close();
await server.close();
