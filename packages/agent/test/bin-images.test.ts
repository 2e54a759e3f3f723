import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { pngOf } from "../../core/test/png.js";
import { startUpstream, type Upstream } from "../../http/test/helpers.js";
import { png } from "../../http/test/images.js";
import { calls, done, type FakeApi, startFakeApi, toolResults, use } from "./fixtures/fake-api.js";
import { startAgent } from "./fixtures/procs.js";

// The agent as shipped, with its built-in api server: an image an http tool fetches reaches the model as an image
// block, as one file__read_file reads does.

let api: FakeApi | undefined;
let site: Upstream | undefined;
let dir: string | undefined;
afterEach(async () => {
  await api?.close();
  await site?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  api = site = dir = undefined;
});

it("passes the PNG api__http_get fetched from 127.0.0.1 to the Messages API as an image block", async () => {
  const chart = png();
  site = await startUpstream((_req, res) => res.writeHead(200, { "content-type": "image/png" }).end(chart));
  const host = `127.0.0.1:${site.port}`;
  const url = `http://${host}/chart.png`;
  api = await startFakeApi([calls(use("api__http_get", { url })), done("A chart.")]);
  dir = mkdtempSync(join(tmpdir(), "agent-images-"));
  const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
  const args = ["--workspace", join(dir, "workspace"), "--allow-hosts", host, "--allow-loopback", "what is it?"];
  const run = await startAgent(args, env, { cwd: dir }).exited;
  expect(run.code).toBe(0);
  const [result] = toolResults(api.requests[1]);
  expect(result?.is_error).toBeFalsy();
  expect(result?.content).toEqual([
    { type: "text", text: expect.stringContaining(`[image: image/png, ${chart.length} bytes, from ${url};`) },
    { type: "image", source: { type: "base64", media_type: "image/png", data: chart.toString("base64") } },
  ]);
}, 30_000);

/** The built agent's first tool result for file__read_file of a PNG declaring 9000×20, with `env` added. */
async function readWidePng(env: Record<string, string> = {}) {
  // 9000×20 declared in the header: a few hundred bytes, under every byte limit, and still refused by the API.
  dir = mkdtempSync(join(tmpdir(), "agent-images-"));
  mkdirSync(join(dir, "workspace"));
  writeFileSync(join(dir, "workspace", "wide.png"), pngOf(9000, 20));
  api = await startFakeApi([calls(use("file__read_file", { path: "wide.png" })), done("Too wide.")]);
  const base = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
  const run = await startAgent(
    ["--workspace", join(dir, "workspace"), "what is it?"],
    { ...base, ...env },
    { cwd: dir },
  ).exited;
  expect(run.code).toBe(0);
  return toolResults(api.requests[1])[0];
}

it("sends a note, not the image, for a PNG over the Messages API's 8000 px a side, and the run goes on", async () => {
  // The filesystem server's own limit raised, as a third-party server would have none: the agent's check stops it.
  const result = await readWidePng({ MCP_FS_MAX_IMAGE_SIDE: "65535" });
  expect(result?.content).toEqual([
    {
      type: "text",
      text: "[image omitted: 9000×20 px, over the Messages API's limit of 8000 px a side; the Messages API would refuse it, and the whole request with it; ask for a smaller image (fewer pixels)]",
    },
  ]);
}, 30_000);

it("with its default limits the filesystem server refuses that PNG itself, and the model is told why", async () => {
  const result = await readWidePng();
  expect(result?.is_error).toBe(true);
  expect(JSON.stringify(result?.content)).toContain(
    "image/png of 9000×20 px, over the 8000-px limit on its longer side, set by --max-image-side N (MCP_FS_MAX_IMAGE_SIDE)",
  );
}, 30_000);

it("sends at most 20 images over 2000 px a side in one request, the oldest past that as a note, and says so", async () => {
  // 21 images of 3000×20: each alone is fine, but a request of more than 20 takes none over 2000 px a side.
  const wide = pngOf(3000, 20);
  dir = mkdtempSync(join(tmpdir(), "agent-images-"));
  mkdirSync(join(dir, "workspace"));
  const names = Array.from({ length: 21 }, (_, i) => `shot${i}.png`);
  for (const name of names) writeFileSync(join(dir, "workspace", name), wide);
  const reads = names.map((path) => use("file__read_file", { path }));
  api = await startFakeApi([calls(...reads), done("Many shots.")]);
  const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
  const run = await startAgent(["--workspace", join(dir, "workspace"), "compare them"], env, { cwd: dir }).exited;
  expect(run.code).toBe(0);
  const results = toolResults(api.requests[1]);
  expect(results).toHaveLength(21);
  expect(results.map((r) => r.content.map((c) => (c as { type: string }).type).join())).toEqual([
    "text",
    ...Array(20).fill("image"),
  ]);
  expect(results[0]?.content[0]?.text).toBe(
    "[image removed from the conversation: 3000×20 px, and a request of more than 20 images takes at most 2000 px a side; ask for it again smaller if it is still needed]",
  );
  expect(run.stderr).toContain(
    "removed 1 image from the conversation that the Messages API would refuse in one request (at most 100; past 20, none over 2000 px a side)",
  );
}, 30_000);
