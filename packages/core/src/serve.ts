import type { AuditLog } from "./audit-log.js";
import { type CliSpec, type CliValues, formatHelp, type OptionSpec, parseCli, UsageError } from "./cli-options.js";
import { ENV_ONLY_SETTINGS, misspeltEnvWarnings } from "./env-mistake.js";
import type { HttpEndpoint } from "./http-server.js";
import { ignoredSettingsWarning } from "./ignored-settings.js";
import { createLogger, type Logger, logLine } from "./logger.js";
import type { OpenedAccess } from "./open-access.js";
import { openAudit } from "./open-audit.js";
import { buildingSnapshot, installSignals } from "./process-lifecycle.js";
import { errorMessage } from "./results.js";
import { checkHttpSettings, type Serving, serveTransport } from "./serve-transport.js";
import type { ServerFactory } from "./server-factory.js";
import { SERVER_HELP, SERVER_OPTIONS } from "./server-flags.js";
import {
  askedLogFormat,
  selectLogFormat,
  selectLogLevel,
  selectTransport,
  type TransportChoice,
} from "./server-options.js";
import { type MetricExport, startMetricExport, startTracing, type Tracing } from "./telemetry.js";
import { describeExports } from "./telemetry-env.js";
import { flushTelemetry } from "./telemetry-flush.js";
import type { TlsPair } from "./tls-pair.js";
import { unexpectedArgument } from "./unexpected-argument.js";

/** What a server's bin supplies to runServerCli. */
export interface ServerCli<O extends Record<string, OptionSpec>, C> {
  spec: CliSpec<O>;
  /** The bin's version; a function is read when the server starts (a startup snapshot is made before that). */
  version: string | (() => string);
  /** Turn options into a config; throw for a configuration mistake (reported in one line at start-up). */
  configure(values: CliValues<O & typeof SERVER_OPTIONS>, env: Record<string, string | undefined>): C | Promise<C>;
  /** Build the server factory: one server per stdio connection or HTTP request, sharing what the factory owns. */
  createFactory(config: C, logger: Logger): ServerFactory;
}

/** A started server: how it is served, and how to stop it. */
export interface RunningServer {
  transport: TransportChoice;
  http?: HttpEndpoint;
  /** Where --metrics-port serves Prometheus metrics. */
  metricsUrl?: URL;
  close(): Promise<void>;
}

/**
 * The whole life of a server bin: parse argv/env, print --help, configure, serve over the chosen
 * transport, and shut down cleanly on SIGINT, SIGTERM or stdin closing. Usage and configuration
 * errors print one line and exit non-zero.
 */
export async function runServerCli<O extends Record<string, OptionSpec>, C>(
  cli: ServerCli<O, C>,
  argv: readonly string[] = process.argv.slice(2),
  env: Record<string, string | undefined> = process.env,
): Promise<RunningServer | undefined> {
  const spec = {
    ...cli.spec,
    options: { ...cli.spec.options, ...SERVER_OPTIONS },
    epilog: [cli.spec.epilog, SERVER_HELP].filter(Boolean).join("\n\n"),
  } as CliSpec<O & typeof SERVER_OPTIONS>;
  if (buildingSnapshot()) {
    // A startup snapshot is being made (core/build/bundle-bin.mjs --snapshot): warm up in memory now; the server
    // itself runs in each process started from the snapshot, with that process's arguments (its argv has no
    // script path) and environment.
    process
      .getBuiltinModule("node:v8")
      .startupSnapshot.setDeserializeMainFunction(() => void runServerCli(cli, process.argv.slice(1), process.env));
    const { warmUpForSnapshot } = await import("./snapshot.js");
    await warmUpForSnapshot(cli as unknown as ServerCli<never, unknown>, spec as CliSpec, argv, env);
    return undefined;
  }
  let logger: Logger;
  let transport: TransportChoice;
  let config: C;
  let auditTarget: string | undefined;
  let traces: Tracing;
  let tls: TlsPair | undefined;
  // Start-up failures are one line in the log's format (text until --log-format is read), whatever the log level.
  let format = askedLogFormat(argv, env);
  const fatal = (message: string) =>
    process.stderr.write(
      format === "json" ? logLine("json", cli.spec.name, "error", message) : `${cli.spec.name}: ${message}\n`,
    );
  try {
    const parsed = parseCli(spec, argv, env);
    if (parsed.help) {
      process.stdout.write(formatHelp(spec as CliSpec));
      return undefined;
    }
    if (parsed.version) {
      process.stdout.write(`${cli.spec.name} ${versionOf(cli)}\n`);
      return undefined;
    }
    if (parsed.positionals.length > 0)
      throw new UsageError(unexpectedArgument(parsed.positionals[0] as string, spec.options));
    const common = parsed.values as unknown as CliValues<typeof SERVER_OPTIONS>;
    format = selectLogFormat(common["log-format"]);
    logger = createLogger(cli.spec.name, selectLogLevel(common["log-level"]), undefined, format);
    transport = selectTransport(common, env);
    const ignored = ignoredSettingsWarning(spec.options, argv, env, transport);
    if (ignored) logger.warn(ignored);
    const read = [...Object.values(spec.options).flatMap((opt) => opt.env ?? []), ...ENV_ONLY_SETTINGS];
    for (const line of misspeltEnvWarnings(cli.spec.name, read, env)) logger.warn(line);
    if (transport.kind === "http") ({ tls } = await checkHttpSettings(transport));
    auditTarget = common["audit-log"];
    config = await cli.configure(parsed.values, env);
    traces = await startTracing(env, cli.spec.name, versionOf(cli), (line) => logger.warn(line));
    const exporting = describeExports(env, cli.spec.name);
    if (exporting) logger.info(exporting);
  } catch (error) {
    fatal(errorMessage(error));
    process.exitCode = error instanceof UsageError ? 2 : 1;
    return undefined;
  }

  let factory: ServerFactory;
  let audit: AuditLog | undefined;
  let access: OpenedAccess | undefined;
  try {
    audit = await openAudit(auditTarget, logger);
    if (transport.kind === "http") {
      const { openAccess } = await import("./open-access.js");
      access = await openAccess(transport.access, logger);
    }
  } catch (error) {
    fatal(errorMessage(error));
    process.exitCode = error instanceof UsageError ? 2 : 1;
    await audit?.close();
    return undefined;
  }
  let metricExport: MetricExport;
  try {
    factory = cli.createFactory(config, logger);
    metricExport = await startMetricExport(env, cli.spec.name, versionOf(cli), factory.stats, (line) =>
      logger.warn(line),
    );
  } catch (error) {
    fatal(errorMessage(error));
    process.exitCode = 1;
    return undefined;
  }
  let serving: Serving;
  try {
    serving = await serveTransport(transport, factory, {
      audit,
      access,
      logger,
      version: versionOf(cli),
      options: spec.options,
      tls,
    });
  } catch (error) {
    fatal(`could not start: ${errorMessage(error)}`);
    await factory.close();
    await audit?.close();
    // A setting to change (a port in use, a policy naming a near miss of a tool) is 2, as other bad settings are.
    process.exitCode = error instanceof UsageError ? 2 : 1;
    return undefined;
  }
  factory.warm?.();

  const { http, stdio, metrics } = serving;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await http?.close();
      await metrics?.close();
      await stdio?.close();
      await factory.close();
      await audit?.close();
      // Both at once, and each whatever the other does: a metrics collector that never answers, or fails, must not
      // keep the spans from going out; and neither holds the exit longer than TELEMETRY_FLUSH_MS.
      const undelivered = await flushTelemetry(
        { spans: () => traces.shutdown(), metrics: () => metricExport.shutdown() },
        env,
        cli.spec.name,
      );
      if (undelivered) logger.warn(undelivered);
    })();
    return closing;
  };
  installSignals(
    {
      http,
      factory,
      close,
      watchStdin: transport.kind === "stdio",
      audit,
      auditTarget,
      access,
      choice: transport.kind === "http" ? transport.access : undefined,
      tlsFiles: transport.kind === "http" ? transport.tls : undefined,
    },
    logger,
  );
  return { transport, ...(http ? { http } : {}), ...(metrics?.url ? { metricsUrl: metrics.url } : {}), close };
}

function versionOf(cli: { version: string | (() => string) }): string {
  return typeof cli.version === "function" ? cli.version() : cli.version;
}
