import { realpathSync, statSync } from "node:fs";
import type { McpServer } from "@modelcontextprotocol/server";
import { type ClientRootsMode, chooseRoots, type OfferedRoot, rootPath } from "./client-roots.js";
import type { MadeRoot } from "./made-root.js";
import type { Context } from "./options.js";

/**
 * Follow a 2025-era client's roots, as the official server does: ask once the client has initialized (when it
 * declares `roots`), and again on each `notifications/roots/list_changed`. What the client may do with them is
 * `mode` (see client-roots.ts); roots that are not taken are logged as warnings. A root the server `made` is removed
 * while the client's roots replace it and it is unused, and made again if they fall back to it. When refreshes
 * overlap, an answer is applied only if no later-asked answer has been applied already, so the newest roots win.
 * While an answer is awaited, tool calls wait for it (ctx.rootsGate), within a bound.
 */
export function followClientRoots(server: McpServer, ctx: Context, mode: ClientRootsMode, made?: MadeRoot): void {
  if (mode === "ignore") return;
  let asked = 0;
  let applied = 0;
  const refresh = async () => {
    if (!server.server.getClientCapabilities()?.roots) return;
    // Calls wait for this answer (roots-gate.ts); begun before the first await, so before any call is handled.
    const settle = ctx.rootsGate?.begin();
    try {
      await apply();
    } finally {
      settle?.();
    }
  };
  const apply = async () => {
    const ask = ++asked;
    let offered: OfferedRoot[];
    try {
      const { roots } = await server.server.listRoots();
      offered = roots.map((root) => ({ uri: root.uri, real: existingDirectory(rootPath(root.uri)) }));
    } catch (error) {
      ctx.logger.warn(`client roots: could not list them (${(error as Error).message}); keeping ${describe(ctx)}`);
      return;
    }
    if (ask < applied) {
      ctx.logger.debug(`client roots: an older answer (request ${ask}) came after a newer one; not applied`);
      return;
    }
    applied = ask;
    const choice = chooseRoots(ctx.sandbox.configuredRoots, offered, mode);
    for (const { uri, reason } of choice.ignored) ctx.logger.warn(`client root ${uri} ignored: ${reason}`);
    try {
      const serving = made !== undefined && choice.roots.includes(made.path);
      const restored = serving ? made.restore() : undefined;
      ctx.sandbox.setRoots(choice.roots);
      const change = serving ? restored : made?.release();
      ctx.logger.info(`roots from the client: ${describe(ctx)}${change ? `; ${made?.path} ${change}` : ""}`);
    } catch (error) {
      ctx.logger.warn(`client roots not used (${(error as Error).message}); keeping ${describe(ctx)}`);
    }
  };
  const previous = server.server.oninitialized;
  server.server.oninitialized = () => {
    previous?.();
    void refresh();
  };
  server.server.setNotificationHandler("notifications/roots/list_changed", () => void refresh());
}

function existingDirectory(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  try {
    const real = realpathSync.native(file);
    return statSync(real).isDirectory() ? real : undefined;
  } catch {
    return undefined;
  }
}

function describe(ctx: Context): string {
  return ctx.sandbox.realRoots.join(", ");
}
