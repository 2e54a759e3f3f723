// OpenTelemetry itself, loaded only when the OTEL_* variables turn export on (see telemetry.ts). The SDK is the
// pinned 2.x / 0.2xx line: 3.x needs Node 22.15 and we support Node 20.
import {
  type Attributes,
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  isSpanContextValid,
  type Link,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapPropagator,
  trace,
} from "@opentelemetry/api";
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { B3InjectEncoding, B3Propagator } from "@opentelemetry/propagator-b3";
import { JaegerPropagator } from "@opentelemetry/propagator-jaeger";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
} from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { errorTypeOf } from "./error-type.js";
import { warnOnFirstFailure } from "./export-failures.js";
import { carrierFields, type PropagatorName, type TraceCarrier } from "./propagation.js";
import type { SpanAttributes, SpanHandle, SpanOptions, Tracing } from "./telemetry.js";
import { signalUrl, type TraceExport } from "./telemetry-env.js";
import type { TraceSampler } from "./trace-sampler.js";

const KINDS = { server: SpanKind.SERVER, client: SpanKind.CLIENT, internal: SpanKind.INTERNAL } as const;

/**
 * Tracing that exports over OTLP/HTTP as the settings say, registered as the process's OpenTelemetry provider; the
 * first export that fails is told to `warn`.
 */
export function otelTracing(settings: TraceExport, version: string, warn?: (line: string) => void): Tracing {
  const url = signalUrl(settings, "traces");
  const exporter = warnOnFirstFailure(
    settings.protocol === "http/json" ? new JsonExporter({ url }) : new ProtoExporter({ url }),
    "spans",
    url,
    warn,
    settings.endpointVariable,
  );
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      ...settings.resourceAttributes,
      "service.name": settings.serviceName,
      "service.version": version,
    }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
    // Given, not left to the SDK, which would read OTEL_TRACES_SAMPLER from process.env and shrug off a bad value.
    sampler: samplerOf(settings.sampler),
  });
  const propagator = new CompositePropagator({ propagators: settings.propagation.names.map(propagatorOf) });
  const fields = carrierFields(settings.propagation.names);
  // Registering installs the AsyncLocalStorage context manager, so a SQL or upstream span finds its tool call's span.
  provider.register({ propagator });
  const tracer = provider.getTracer("mcp-toolkit", version);

  // Only the fields the formats read, each bounded (propagation.ts): a carrier is the caller's text.
  const extracted = (carrier: TraceCarrier | undefined) =>
    carrier ? propagator.extract(ROOT_CONTEXT, { ...carrier }, defaultTextMapGetter) : undefined;
  const parentContext = (options: SpanOptions) => extracted(options.parent) ?? context.active();
  const links = (options: SpanOptions): Link[] =>
    (options.links ?? []).flatMap((carrier) => {
      const linked = trace.getSpanContext(extracted(carrier) ?? ROOT_CONTEXT);
      return linked && isSpanContextValid(linked) ? [{ context: linked }] : [];
    });
  const spanOptions = (options: SpanOptions) => ({
    kind: KINDS[options.kind ?? "internal"],
    links: links(options),
    ...(options.attributes ? { attributes: clean(options.attributes) } : {}),
    ...(options.startTime === undefined ? {} : { startTime: epochMs(options.startTime) }),
  });

  return {
    enabled: true,
    fields,
    inSpan(name, options, fn) {
      return tracer.startActiveSpan(name, spanOptions(options), parentContext(options), async (span) => {
        const recorded = handle(span);
        try {
          return await fn(recorded);
        } catch (error) {
          // The type only: a thrown message can quote what the span must not carry (a URL, a statement). One that
          // `fn` gave (the user interrupted the call) stays; a class's own name is mangled in the minified bins.
          if (!recorded.failed) recorded.fail(errorTypeOf(error));
          throw error;
        } finally {
          span.end();
        }
      });
    },
    startSpan: (name, options = {}) => handle(tracer.startSpan(name, spanOptions(options), parentContext(options))),
    annotate(attributes) {
      trace.getActiveSpan()?.setAttributes(clean(attributes));
    },
    count(attribute, amount) {
      const span = trace.getActiveSpan();
      if (!span) return;
      // The SDK's spans are readable (ReadableSpan); what was counted so far is read back from them.
      const sofar = (span as unknown as { attributes?: Attributes }).attributes?.[attribute];
      span.setAttribute(attribute, (typeof sofar === "number" ? sofar : 0) + amount);
    },
    currentIds() {
      const ids = trace.getActiveSpan()?.spanContext();
      return ids && isSpanContextValid(ids) ? { traceId: ids.traceId, spanId: ids.spanId } : undefined;
    },
    injectMeta() {
      const carrier: Record<string, string> = {};
      propagator.inject(context.active(), carrier, defaultTextMapSetter);
      return carrier;
    },
    async shutdown() {
      await provider.shutdown();
    },
  };
}

/** The OpenTelemetry propagator of a format OTEL_PROPAGATORS names; `b3` writes one header, `b3multi` several. */
function propagatorOf(name: PropagatorName): TextMapPropagator {
  switch (name) {
    case "tracecontext":
      return new W3CTraceContextPropagator();
    case "baggage":
      return new W3CBaggagePropagator();
    case "b3":
      return new B3Propagator({ injectEncoding: B3InjectEncoding.SINGLE_HEADER });
    case "b3multi":
      return new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER });
    case "jaeger":
      return new JaegerPropagator();
  }
}

/** The SDK's sampler for the one the environment asked for (trace-sampler.ts). */
function samplerOf({ parentBased, ratio }: TraceSampler): Sampler {
  const root =
    ratio === 1 ? new AlwaysOnSampler() : ratio === 0 ? new AlwaysOffSampler() : new TraceIdRatioBasedSampler(ratio);
  return parentBased ? new ParentBasedSampler({ root }) : root;
}

function handle(span: Span): SpanHandle & { failed: boolean } {
  return {
    failed: false,
    set: (attributes) => void span.setAttributes(clean(attributes)),
    fail(errorType, message) {
      this.failed = true;
      span.setAttribute("error.type", errorType);
      span.setStatus({ code: SpanStatusCode.ERROR, ...(message ? { message } : {}) });
    },
    end: (at) => span.end(at === undefined ? undefined : epochMs(at)),
    within: (fn) => context.with(trace.setSpan(context.active(), span), fn),
  };
}

/** A performance.now() time as epoch milliseconds, the time OpenTelemetry takes. */
function epochMs(at: number): number {
  return performance.timeOrigin + at;
}

function clean(attributes: SpanAttributes): Attributes {
  return Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== undefined)) as Attributes;
}
