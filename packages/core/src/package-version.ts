import { readFileSync } from "node:fs";

/** The `version` field of the package.json one level above the calling module (src/ or dist/); "0.0.0" if unreadable. */
export function packageVersion(moduleUrl: string): string {
  try {
    return (JSON.parse(readFileSync(new URL("../package.json", moduleUrl), "utf8")) as { version: string }).version;
  } catch {
    return "0.0.0";
  }
}
