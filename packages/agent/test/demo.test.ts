import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { calls, done, type FakeApi, startFakeApi, text, toolResults, use } from "./fixtures/fake-api.js";
import { runAgent } from "./fixtures/harness.js";

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
});

const REPORT =
  "# Users\n\n| name | email |\n|---|---|\n| Ada | ada@example.com |\n| Grace | grace@example.com |\n| Linus | linus@example.com |\n";

describe("the seed's demo task, end to end against the built file, db and api servers", () => {
  it("creates a table, inserts three rows, queries them, writes a report and reads it back", async () => {
    api = await startFakeApi([
      calls(
        text("I'll create the table first."),
        use("db__execute_write", {
          sql: "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT)",
        }),
      ),
      calls(
        use("db__execute_write", {
          sql: "INSERT INTO users (name, email) VALUES (?, ?), (?, ?), (?, ?)",
          params: ["Ada", "ada@example.com", "Grace", "grace@example.com", "Linus", "linus@example.com"],
        }),
      ),
      calls(
        use("db__execute_query", { sql: "SELECT name, email FROM users ORDER BY id" }),
        use("api__http_get", { url: 42 }),
        use("file__read_file", { path: "../../etc/passwd" }),
      ),
      calls(use("file__write_file", { path: "report.md", content: REPORT })),
      calls(use("file__read_file", { path: "report.md" })),
      done("Created users with 3 rows and saved report.md."),
    ]);
    const workspace = mkdtempSync(join(tmpdir(), "agent-demo-"));
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    const r = await runAgent(
      { workspace },
      ["Create a users table, insert three rows, save a report, read it back"],
      env,
      {
        cwd: workspace,
      },
    );

    expect(r.code).toBe(0);
    const results = api.requests.slice(1).map((req) => toolResults(req));
    const [create, insert, [query, badInput, outside], write, read] = results as [
      (typeof results)[0],
      (typeof results)[0],
      (typeof results)[0],
      (typeof results)[0],
      (typeof results)[0],
    ];
    for (const step of [create, insert, write, read]) expect(step?.[0]?.is_error).toBeUndefined();
    expect(query?.is_error).toBeUndefined();
    for (const name of ["Ada", "Grace", "Linus"]) expect(query?.content[0]?.text).toContain(name);
    // Input failing the tool's schema, and a path outside the sandbox: errors the model can read.
    expect(badInput?.is_error).toBe(true);
    expect(badInput?.content[0]?.text).toMatch(/url/i);
    expect(outside?.is_error).toBe(true);
    expect(read?.[0]?.content[0]?.text).toContain("| Grace | grace@example.com |");
    expect(readFileSync(join(workspace, "report.md"), "utf8")).toBe(REPORT);
    expect(existsSync(join(workspace, "data.db"))).toBe(true);

    expect(r.stdout).toMatch(/^→ db__execute_write \{"sql":"CREATE TABLE users/m);
    expect(r.stdout).toContain("Created users with 3 rows and saved report.md.");
    expect(r.stderr).toMatch(/6 turns/);
    const audit = readFileSync(join(workspace, ".agent", "audit.jsonl"), "utf8")
      .trim()
      .split("\n");
    expect(audit).toHaveLength(7);
  });

  it("names a built-in server whose bin is missing and says to build it; the others still start", async () => {
    const workspace = mkdtempSync(join(tmpdir(), "agent-unbuilt-"));
    const r = await runAgent(
      { workspace },
      [],
      { PATH: process.env.PATH },
      {
        listTools: true,
        cwd: workspace,
        adjust: (config) => {
          const file = config.servers.find((s) => s.name === "file");
          if (file?.kind === "stdio") file.args = ["/nonexistent/filesystem/dist/cli.cjs"];
        },
      },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      'mcp-agent: server "file" is not built (/nonexistent/filesystem/dist/cli.cjs is missing): run pnpm build\n',
    );
    expect(r.stdout).toMatch(/^db__execute_query /m);
    expect(r.stdout).not.toMatch(/^file__/m);
  });

  it("offers only read-only tools with --read-only, and starts the servers read-only", async () => {
    const workspace = mkdtempSync(join(tmpdir(), "agent-ro-"));
    // A read-only database must exist (an empty file is an empty SQLite database).
    writeFileSync(join(workspace, "data.db"), "");
    const r = await runAgent(
      { workspace, "read-only": true, json: true },
      [],
      { PATH: process.env.PATH },
      {
        listTools: true,
        cwd: workspace,
      },
    );
    const { tools } = JSON.parse(r.stdout) as { tools: { name: string; readOnly: boolean }[] };
    expect(tools.map((t) => t.name)).toEqual(
      expect.arrayContaining(["file__read_file", "db__execute_query", "api__http_get"]),
    );
    expect(tools.every((t) => t.readOnly)).toBe(true);
    expect(tools.map((t) => t.name)).not.toContain("file__write_file");
    expect(r.stderr).toBe("");
  });
});

describe("paths reach the built-in servers whole", () => {
  it("a workspace and an audit file with ':', spaces, quotes and $ in their names: one root, the audit file hidden", async () => {
    const dir = mkdtempSync(join(tmpdir(), "agent-colon-"));
    // Split on ':', this path is two absolute paths that both exist: a split would start and quietly use the wrong root.
    const workspace = `${dir}/a:${dir}/b 'c" $HOME`;
    mkdirSync(join(dir, "a"));
    mkdirSync(join(dir, `b 'c" $HOME`));
    const audit = join(workspace, "logs:old", "audit.jsonl");
    api = await startFakeApi([
      calls(
        use("file__write_file", { path: "probe.txt", content: "in the one root" }),
        use("db__execute_write", { sql: "CREATE TABLE t (n)" }),
      ),
      calls(use("file__read_file", { path: "logs:old/audit.jsonl" }), use("file__list_directory", { path: "logs" })),
      done("done"),
    ]);
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    const r = await runAgent({ workspace, audit }, ["probe"], env, { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/failed to start/);
    expect(readFileSync(join(workspace, "probe.txt"), "utf8")).toBe("in the one root");
    expect(existsSync(join(workspace, "data.db"))).toBe(true);
    expect(readdirSync(join(dir, "a"))).toEqual([]);
    expect(readdirSync(join(dir, `b 'c" $HOME`))).toEqual([]);
    const [first, second] = [toolResults(api.requests[1]), toolResults(api.requests[2])];
    expect(first.map((t) => t.is_error ?? false)).toEqual([false, false]);
    // The audit file is hidden as one path, not as "logs" and "old/audit.jsonl".
    expect(second[0]?.is_error).toBe(true);
    expect(second[0]?.content[0]?.text).not.toContain("probe.txt");
    expect(readFileSync(audit, "utf8")).toContain("probe.txt");
  });
});
