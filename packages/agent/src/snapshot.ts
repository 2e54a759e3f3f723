import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** What dist/snapshot.json records: the Node.js a startup snapshot was made with (core/build/bundle-bin.mjs). */
interface SnapshotFit {
  node?: unknown;
  arch?: unknown;
  platform?: unknown;
}

/**
 * Did a start from a snapshot end the way node ends when it cannot use the blob: exit 14 (another Node version or
 * other V8 flags, or no such file), or a crash while deserializing a damaged one? A server's own failure (a bad
 * setting: exit 1 or 2) is not one, and starting its bin instead would fail the same way.
 */
export function snapshotRefused(exit: { code: number | null; signal: NodeJS.Signals | null } | undefined): boolean {
  if (!exit) return false;
  return exit.code === 14 || ["SIGABRT", "SIGSEGV", "SIGBUS", "SIGILL", "SIGTRAP"].includes(exit.signal ?? "");
}

/**
 * The node arguments that start a built-in server's bin from its startup snapshot (dist/snapshot.blob beside
 * it, which skips loading the bundle's modules: about a quarter of a cold start), or undefined when the bin must
 * start normally. Node refuses a blob made by another Node version or run with other V8 flags (exit 14), so the
 * snapshot is used only when `node` is this very process's Node, snapshot.json names its version, arch and
 * platform, and NODE_OPTIONS is empty. MCP_TOOLKIT_SNAPSHOT=0 turns it off.
 */
export function snapshotArgs(bin: string, node: string, env: Record<string, string | undefined>): string[] | undefined {
  if (env.MCP_TOOLKIT_SNAPSHOT === "0" || env.NODE_OPTIONS?.trim() || node !== process.execPath) return undefined;
  let fit: SnapshotFit;
  try {
    fit = JSON.parse(readFileSync(join(dirname(bin), "snapshot.json"), "utf8")) as SnapshotFit;
  } catch {
    return undefined;
  }
  if (fit.node !== process.version || fit.arch !== process.arch || fit.platform !== process.platform) return undefined;
  // After "--", every argument is the server's own, never a node option.
  return ["--snapshot-blob", join(dirname(bin), "snapshot.blob"), "--"];
}
