/** Variables that name an OTLP endpoint: a server exporting telemetry over https may need the extra CAs. */
const OTLP_ENDPOINT = /^OTEL_EXPORTER_OTLP(?:_[A-Z]+)?_ENDPOINT$/;

/**
 * What of the agent's environment a built-in server that never dials out (file, db) is not given. Node reads and
 * parses every certificate of NODE_EXTRA_CA_CERTS before any of a process's code runs, used or not: about 40 ms of
 * CPU per process for the Debian bundle on a 2-core machine (perf: node::crypto::UseExtraCaCerts), paid by each
 * server the agent starts alongside the agent itself. The variable is kept whenever telemetry export is configured,
 * since the OTLP exporter may reach a collector over TLS.
 */
export function unusedTlsEnv(env: Record<string, string | undefined>): string[] {
  if (!env.NODE_EXTRA_CA_CERTS) return [];
  const exporting = Object.entries(env).some(([name, value]) => OTLP_ENDPOINT.test(name) && value?.trim());
  return exporting ? [] : ["NODE_EXTRA_CA_CERTS"];
}
