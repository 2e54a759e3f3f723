import { homedir } from "node:os";
import type { AuditLog } from "./audit-log.js";
import { UsageError } from "./cli-options.js";
import type { Logger } from "./logger.js";
import { errorMessage } from "./results.js";
import { pathFromSetting } from "./top-directory.js";

/** Open the audit trail when asked for (audit-log.ts is loaded only then); a path that cannot be opened is a UsageError. */
export async function openAudit(target: string | undefined, logger: Logger): Promise<AuditLog | undefined> {
  const given = target?.trim();
  if (!given) return undefined;
  const chosen =
    given === "stderr"
      ? { path: given }
      : pathFromSetting(given, "--audit-log FILE (MCP_AUDIT_LOG)", process.cwd(), homedir());
  if ("problem" in chosen) throw new UsageError(chosen.problem);
  const where = chosen.path;
  const { openAuditLog } = await import("./audit-log.js");
  try {
    return openAuditLog(where, (error) => logger.error(`audit log: ${error.message}`));
  } catch (error) {
    throw new UsageError(`--audit-log (MCP_AUDIT_LOG): cannot append to ${where}: ${errorMessage(error)}`);
  }
}
