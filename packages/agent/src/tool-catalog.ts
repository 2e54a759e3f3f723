import type { Tool, ToolUnion } from "@anthropic-ai/sdk/resources/messages/messages.js";
import { type NamedTool, namespaceTools } from "./naming.js";
import { isOffered, isReadOnly, leavesMachine, needsConsent, type Permissions } from "./permissions.js";
import { resourceCallReach } from "./remote-reach.js";
import { resourceTools } from "./resource-tools.js";
import type { ServerTool } from "./servers.js";

/** Above this many bytes of config-added tool definitions, --tool-search auto defers them. */
export const DEFER_THRESHOLD_BYTES = 40_000;

/** A tool offered to the model: its API name, its server's tool, and the way to call it. */
export interface CatalogEntry extends NamedTool {
  source: ServerTool;
  deferred: boolean;
  /** A call can carry data off this machine (openWorldHint, or a remote server). */
  leavesMachine: boolean;
  /** The host of the remote server the tool belongs to, where every call's arguments go. */
  remoteHost: string | undefined;
  /** Each call needs a yes from the user first (--ask). */
  asks: boolean;
}

/** What a catalog needs to know about the servers besides their tools. */
export interface CatalogOptions {
  /** The built-in servers, never deferred behind tool search. */
  builtin: ReadonlySet<string>;
  toolSearch: "auto" | "on" | "off";
  /** Servers that reach only hosts the user listed (the built-in api server under --allow-hosts). */
  fenced?: ReadonlySet<string>;
  /** Servers reached by URL, and their hosts: every call to them sends its arguments there. */
  remote?: ReadonlyMap<string, string>;
}

/** The namespaced, permission-filtered tool set of a run; rebuilt when a server's tool list changes. */
export class ToolCatalog {
  entries: CatalogEntry[] = [];
  /** Read-only tools --read-only leaves out because they can send data off this machine (server__tool). */
  withheld: string[] = [];
  /** Remote servers whose tools --read-only leaves out, all of them: each call would send data to that host. */
  withheldRemote: string[] = [];
  private byName = new Map<string, CatalogEntry>();
  /** Servers that offer resources: the agent's mcp__ resource tools are offered when there are any. */
  resourceServers: string[] = [];

  constructor(
    tools: readonly ServerTool[],
    private readonly permissions: Permissions,
    private readonly options: CatalogOptions,
  ) {
    this.update(tools);
  }

  /** Rebuild from the servers' current tools (after a list change). */
  update(tools: readonly ServerTool[]): void {
    const { permissions, options } = this;
    const reach = (t: ServerTool) => ({
      fenced: options.fenced?.has(t.server) === true,
      remoteHost: options.remote?.get(t.server),
    });
    const offered = tools.filter((t) => isOffered(t, permissions, reach(t)));
    const left = tools.filter((t) => !offered.includes(t));
    // A read-only tool left out under --read-only is one that can send data off this machine.
    this.withheld = left
      .filter((t) => isReadOnly(t) && !options.remote?.has(t.server))
      .map((t) => `${t.server}__${t.name}`);
    this.withheldRemote = [...new Set(left.filter((t) => options.remote?.has(t.server)).map((t) => t.server))];
    const named = namespaceTools(offered.map((t) => ({ server: t.server, name: t.name, description: t.description })));
    const external = offered.filter((t) => !options.builtin.has(t.server));
    const externalBytes = JSON.stringify(external.map((t) => [t.name, t.description, t.inputSchema])).length;
    const defer =
      external.length > 0 &&
      (options.toolSearch === "on" || (options.toolSearch === "auto" && externalBytes > DEFER_THRESHOLD_BYTES));
    this.entries = named.map((n, i) => {
      const source = offered[i] as ServerTool;
      return {
        ...n,
        source,
        deferred: defer && !options.builtin.has(n.server),
        leavesMachine: leavesMachine(source, reach(source)),
        remoteHost: reach(source).remoteHost,
        asks: needsConsent(source, permissions, reach(source)),
      };
    });
    this.byName = new Map(this.entries.map((e) => [e.apiName, e]));
  }

  /**
   * The remote servers, with their hosts, that a call of the agent's resource tools would reach and --ask asks about
   * first (the URI, or the request itself, goes there); empty when there is nothing to ask.
   */
  resourceConsentReach(tool: string, input: Record<string, unknown>): { server: string; host: string }[] {
    if (!this.permissions.ask) return [];
    return resourceCallReach(tool, input, this.resourceServers, this.options.remote ?? new Map());
  }

  /** Look a model-visible name up. */
  get(apiName: string): CatalogEntry | undefined {
    return this.byName.get(apiName);
  }

  /** Whether any tool is deferred behind tool search. */
  get usesToolSearch(): boolean {
    return this.entries.some((e) => e.deferred);
  }

  /** The `tools` parameter: cache_control on the last tool so the list is cached across turns. */
  apiTools(): ToolUnion[] {
    const tools: ToolUnion[] = this.entries.map(
      (e): Tool => ({
        name: e.apiName,
        description: e.description,
        input_schema: e.source.inputSchema as Tool.InputSchema,
        ...(e.deferred ? { defer_loading: true } : {}),
      }),
    );
    if (this.resourceServers.length > 0) tools.push(...resourceTools(this.resourceServers));
    if (this.usesToolSearch) tools.push({ type: "tool_search_tool_bm25_20251119", name: "tool_search_tool_bm25" });
    const last = tools.findLast((t) => !("defer_loading" in t && t.defer_loading));
    if (last) Object.assign(last, { cache_control: { type: "ephemeral" } });
    return tools;
  }
}
