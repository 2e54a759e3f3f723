// Why a port could not be opened, in the bin's terms: Node's own words (`listen EADDRINUSE: address already in use
// 127.0.0.1:9502`) say neither which setting chose the port nor what to do. Pure: everything comes in as arguments.
import { UsageError } from "./cli-options.js";

/** The setting that chose a port: its flag and environment variable. */
export interface PortSetting {
  flag: string;
  env?: string;
}

/**
 * The one line for a listen that failed on `host:port`: a UsageError naming the setting when the port is taken or
 * needs privileges, or the host is no address here; any other failure as it came.
 */
export function listenFailure(error: unknown, port: number, host: string, setting: PortSetting): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const named = `${setting.flag}${setting.env ? `, ${setting.env}` : ""}`;
  if (code === "EADDRINUSE") {
    return new UsageError(
      `port ${port} (${named}) is already in use on ${host}: stop what listens there or choose another ${setting.flag}`,
    );
  }
  if (code === "EACCES") {
    return new UsageError(
      `port ${port} (${named}) needs privileges this process lacks (ports below 1024 do): choose a ${setting.flag} of 1024 or more (a proxy can still serve 80 or 443), or grant the capability (setcap cap_net_bind_service=+ep on node)`,
    );
  }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return new UsageError(
      `--host ${host} (MCP_HOST) is a name that does not resolve${code === "EAI_AGAIN" ? " now (the resolver did not answer)" : ""}, so port ${port} (${named}) cannot be opened on it: give an address of this machine (127.0.0.1, ::1, 0.0.0.0) or a name that resolves to one`,
    );
  }
  if (code === "EADDRNOTAVAIL") {
    return new UsageError(
      `--host ${host} (MCP_HOST) is not an address of this machine, so port ${port} (${named}) cannot be opened on it`,
    );
  }
  return error;
}
