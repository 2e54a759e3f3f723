import { availableParallelism } from "node:os";
import { agentCli, runAgent, runFloorLoop } from "../lib/agent.js";
import { cpuOfTree } from "../lib/cpu.js";
import type { FigureSpec, Measured } from "../lib/figure.js";
import { Unavailable } from "../lib/figure.js";
import { officialFilesystem, ourFilesystem, requireBuilt } from "../lib/servers.js";
import { type Reply, type SeenRequest, startStandIn } from "../lib/standin.js";
import { fmt, interleave, median, summarize } from "../lib/stats.js";
import { coldStart, fixtureRoot } from "./cold-start.js";

const TASK = "List the files in the workspace.";
const SERVERS = ["file", "db", "api"];

/** Unavailable unless the agent's first request offered tools from all three built-in servers. */
function requireAllServers(first: SeenRequest | undefined, tail: string): void {
  if (!first) throw new Unavailable(`agent sent no Messages API request (${tail || "no output"})`);
  const names = (first.body.tools ?? []).map((t) => t.name);
  const missing = SERVERS.filter((s) => !names.some((n) => n.startsWith(`${s}__`)));
  if (missing.length > 0) throw new Unavailable(`agent's first request had no tools from ${missing.join(", ")}`);
}

export const agentStartFigure: FigureSpec = {
  id: "agent-start",
  title: "agent start → first Messages request / official fs cold start",
  unit: "ms",
  peerName: "official fs cold start",
  goal: { kind: "max", ratio: 0.75 },
  async measure(ctx): Promise<Measured> {
    agentCli(ctx);
    const official = officialFilesystem(ctx.root, fixtureRoot(ctx));
    const standIn = await startStandIn();
    try {
      let runs = 0;
      let connections = 0;
      // CPU used before the first request, by the agent and by its servers: what two cores must get through.
      const agentCpu: number[] = [];
      const serversCpu: number[] = [];
      const once = async () => {
        let pid: number | undefined;
        standIn.reset((index) => {
          if (index === 0 && pid !== undefined) {
            const cpu = cpuOfTree(pid);
            agentCpu.push(cpu.own);
            serversCpu.push(cpu.descendants);
          }
          return { text: "done" };
        });
        const run = await runAgent(ctx, standIn.url, TASK, {
          onSpawn: (spawned) => {
            pid = spawned;
          },
        });
        runs++;
        connections += standIn.connections;
        const first = standIn.seen[0];
        requireAllServers(first, run.tail);
        if (run.code !== 0) throw new Error(`agent exited ${run.code ?? run.signal}: ${run.tail}`);
        return (first as SeenRequest).at - run.startedAt;
      };
      if (!ctx.quick) {
        await once();
        await coldStart(official);
      }
      const samples = await interleave(ctx.runs(11), once, () => coldStart(official));
      const m = summarize(samples);
      const [agent, servers] = [median(agentCpu), median(serversCpu)];
      const cpu = agent + servers;
      const cores = availableParallelism();
      return {
        ...m,
        // The floor under this figure on this machine: the CPU the agent and its three servers use before the
        // first request, spread perfectly over every core, against the official server's start.
        note:
          `CPU before the first request: agent ${fmt(agent)} ms + servers ${fmt(servers)} ms; ` +
          `on ${cores} cores at best ${fmt(cpu / cores)} ms = ${(cpu / cores / m.peer).toFixed(2)} of the official start; ` +
          // More than one per run means the first Messages request did not reuse a preconnected socket.
          `${connections} connections to the stand-in over ${runs} agent runs`,
      };
    } finally {
      await standIn.close();
    }
  },
};

/** Per-turn gaps seen by the stand-in: from the end of reply i to the arrival of request i+1, for the tool turns. */
function turnGaps(seen: readonly SeenRequest[], turns: number): number[] {
  const gaps: number[] = [];
  for (let i = 0; i < turns && i + 1 < seen.length; i++) {
    gaps.push((seen[i + 1] as SeenRequest).at - (seen[i] as SeenRequest).repliedAt);
  }
  return gaps;
}

export const agentLoopFigure: FigureSpec = {
  id: "agent-loop",
  title: "agent loop per tool turn, instant stand-in / floor loop",
  unit: "ms/turn",
  peerName: "floor loop process: fetch POST + SDK callTool",
  goal: { kind: "report", text: "report ms/turn" },
  async measure(ctx): Promise<Measured> {
    agentCli(ctx);
    const root = fixtureRoot(ctx);
    const fsCommand = ourFilesystem(ctx.root, root);
    requireBuilt(fsCommand);
    const turns = ctx.quick ? 3 : 10;
    const standIn = await startStandIn();
    try {
      const script = (index: number): Reply =>
        index < turns ? { tool: { name: "file__list_directory", input: { path: "." } } } : { text: "done" };
      let template: SeenRequest["body"] | undefined;
      let streamed = false;
      let agentConnections = 0;
      let agentRequests = 0;
      const agentRun = async () => {
        standIn.reset(script);
        const run = await runAgent(ctx, standIn.url, TASK);
        requireAllServers(standIn.seen[0], run.tail);
        template ??= standIn.seen[0]?.body;
        streamed = standIn.seen[0]?.body.stream === true;
        agentConnections += standIn.connections;
        agentRequests += standIn.seen.length;
        const names = (template?.tools ?? []).map((t) => t.name);
        if (!names.includes("file__list_directory")) throw new Unavailable("agent offers no file__list_directory tool");
        if (standIn.seen.length < turns + 1) {
          throw new Error(`agent stopped after ${standIn.seen.length} requests (exit ${run.code}): ${run.tail}`);
        }
        return median(turnGaps(standIn.seen, turns));
      };
      // The floor, in its own process: the same requests (same tools and system prompt), the same tool call.
      const bareRun = async () => {
        standIn.reset(script);
        const spec = JSON.stringify({ url: standIn.url, body: template ?? {}, turns, command: fsCommand });
        await runFloorLoop(ctx, spec);
        if (standIn.seen.length < turns + 1) throw new Error(`floor loop sent ${standIn.seen.length} requests`);
        return median(turnGaps(standIn.seen, turns));
      };
      if (!ctx.quick) await agentRun();
      const samples = await interleave(ctx.runs(5), agentRun, bareRun);
      const m = summarize(samples);
      return {
        ...m,
        note:
          `agent adds ${fmt(m.ours - m.peer)} ms/turn over the floor; ${turns} tool turns per run; ` +
          `${streamed ? "streaming" : "non-streaming"} requests over ${agentConnections} connections for ${agentRequests}`,
      };
    } finally {
      await standIn.close();
    }
  },
};
