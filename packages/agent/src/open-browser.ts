import { spawn } from "node:child_process";

/** The command that opens a URL in the person's browser here, or undefined on a machine without one (no display). */
export function browserCommand(
  url: string,
  platform: NodeJS.Platform,
  env: Record<string, string | undefined>,
): string[] | undefined {
  if (platform === "darwin") return ["open", url];
  if (platform === "win32") return ["cmd", "/c", "start", "", url];
  return env.DISPLAY || env.WAYLAND_DISPLAY ? ["xdg-open", url] : undefined;
}

/** Open the URL when there is a browser to open it in; false when the person must copy it. Never waits for it. */
export function openBrowser(url: URL, env: Record<string, string | undefined>): boolean {
  const command = browserCommand(url.href, process.platform, env);
  if (!command) return false;
  const child = spawn(command[0] as string, command.slice(1), { stdio: "ignore", detached: true });
  child.on("error", () => {});
  child.unref();
  return true;
}
