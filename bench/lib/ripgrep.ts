import { execFile, execFileSync } from "node:child_process";
import { Unavailable } from "./figure.js";

/** Whether `rg` runs here. */
function hasRg(): boolean {
  try {
    execFileSync("rg", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Make sure ripgrep is installed: a full run installs the Debian package when it is missing and we are root; a
 * quick run (CI) never installs anything. Throws Unavailable with the reason otherwise.
 */
export function requireRg(quick: boolean, log: (message: string) => void): void {
  if (hasRg()) return;
  if (quick) throw new Unavailable("ripgrep (rg) not installed; a full run installs it (apt-get install ripgrep)");
  if (process.getuid?.() !== 0) throw new Unavailable("ripgrep (rg) not installed, and not root to apt-get it");
  log("installing ripgrep (apt-get install -y ripgrep)…");
  const apt = (args: string[]) => execFileSync("apt-get", args, { stdio: "ignore", timeout: 300_000 });
  try {
    try {
      apt(["install", "-y", "ripgrep"]);
    } catch {
      apt(["update"]);
      apt(["install", "-y", "ripgrep"]);
    }
  } catch (error) {
    throw new Unavailable(`ripgrep (rg) not installed and apt-get failed: ${(error as Error).message.split("\n")[0]}`);
  }
  if (!hasRg()) throw new Unavailable("ripgrep (rg) still missing after apt-get install ripgrep");
}

/**
 * `rg` for a fixed string in files named `glob` below `cwd`, hidden and ignored files included (as our search sees
 * them): "path:line" of every hit, paths relative to `cwd`.
 */
export function rgHits(cwd: string, text: string, glob: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(
      "rg",
      ["-uu", "--fixed-strings", "--line-number", "--no-heading", "--color=never", "--glob", glob, "--", text, "."],
      // With a path given rg never reads stdin, which execFile leaves open.
      { cwd, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout) => {
        // rg exits 1 when nothing matched: that is an answer, not a failure.
        if (error && (error as { code?: number }).code !== 1) return reject(error);
        resolve(
          stdout
            .split("\n")
            .filter(Boolean)
            .map((line) => (/^(.*?:\d+):/.exec(line)?.[1] ?? line).replace(/^\.\//, "")),
        );
      },
    );
  });
}
