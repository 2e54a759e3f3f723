/**
 * Server CPU per read_file call over HTTP, of several builds side by side: each a checkout of this repository with its
 * packages built (`git worktree add DIR COMMIT && cd DIR && pnpm install`), its filesystem bin served over stateless
 * HTTP to the load figures' 32 SDK clients at 2026-07-28. Every round gives each build one segment (order reversed
 * every other round), and its CPU per call is read from /proc. Each build after the first is reported as the median
 * of its per-round ratios to the first: builds share the machine's drift, so a shift of ~10% shows over 10 rounds
 * where the bench's ratio to the floor, a run apart, cannot tell it from the machine.
 *   pnpm exec tsx bench/experiments/http-cpu-builds.ts [--rounds 10] [--segment-ms 2000] DIR_A DIR_B [DIR_C …]
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { READ_FILE_CALL } from "../figures/http-load.js";
import { reportBuilds } from "../lib/builds.js";
import { processTreeCpuMs } from "../lib/cpu.js";
import { type HttpTarget, LOAD_CLIENTS, startDriver, startOurHttp } from "../lib/http-load.js";
import { ourFilesystem } from "../lib/servers.js";

const { values, positionals: builds } = parseArgs({
  options: { rounds: { type: "string", default: "10" }, "segment-ms": { type: "string", default: "2000" } },
  allowPositionals: true,
});
const rounds = Number(values.rounds);
const segmentMs = Number(values["segment-ms"]);
if (builds.length < 2 || !(rounds > 0) || !(segmentMs > 0)) {
  process.stderr.write("usage: http-cpu-builds.ts [--rounds N] [--segment-ms MS] DIR_A DIR_B [DIR_C …]\n");
  process.exit(2);
}

const root = mkdtempSync(join(tmpdir(), "bench-cpu-builds-"));
writeFileSync(join(root, "bench-1k.txt"), "0123456789abcdef".repeat(64));
const driver = startDriver(process.cwd());
const targets: HttpTarget[] = [];
try {
  for (const build of builds) targets.push(await startOurHttp(process.cwd(), ourFilesystem(build, root)));
  for (const target of targets) {
    await driver.connect(target, "2026-07-28", LOAD_CLIENTS);
    await driver.run(target, "2026-07-28", READ_FILE_CALL, 1000);
  }
  const perCall: number[][] = builds.map(() => []);
  for (let round = 0; round < rounds; round++) {
    const order = targets.map((_, i) => (round % 2 === 0 ? i : targets.length - 1 - i));
    for (const i of order) {
      const target = targets[i] as HttpTarget;
      const before = processTreeCpuMs(target.pid) ?? 0;
      const run = await driver.run(target, "2026-07-28", READ_FILE_CALL, segmentMs);
      const after = processTreeCpuMs(target.pid) ?? 0;
      perCall[i]?.push(((after - before) * 1000) / Math.max(1, run.latencies.length));
    }
  }
  reportBuilds(builds, perCall, 0);
} finally {
  for (const target of targets) await target.close();
  await driver.close();
  rmSync(root, { recursive: true, force: true });
}
