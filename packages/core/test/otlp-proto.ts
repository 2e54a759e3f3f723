// OTLP/HTTP protobuf, the exporters' default encoding, read back into the shape of OTLP JSON, so the receiver
// (otlp-receiver.ts) checks what a collector gets in either encoding with one reader. Only the wire format and the
// field numbers of opentelemetry-proto's trace, metrics and common messages that the tests look at.

type Field = { wire: number; value: bigint | Buffer };
type Fields = Map<number, Field[]>;

/** The fields of one protobuf message, by number, each occurrence in order. */
function fieldsOf(bytes: Buffer): Fields {
  const fields: Fields = new Map();
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = bytes[at++] ?? 0;
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return result;
    }
  };
  while (at < bytes.length) {
    const key = Number(varint());
    const wire = key & 7;
    const take = (length: number) => {
      at += length;
      return bytes.subarray(at - length, at);
    };
    let value: bigint | Buffer;
    if (wire === 0) value = varint();
    else if (wire === 1) value = take(8);
    else if (wire === 5) value = take(4);
    else if (wire === 2) value = take(Number(varint()));
    else throw new Error(`protobuf wire type ${wire} is not one OTLP uses`);
    const list = fields.get(key >>> 3) ?? [];
    list.push({ wire, value });
    fields.set(key >>> 3, list);
  }
  return fields;
}

const all = (fields: Fields, n: number): Field[] => fields.get(n) ?? [];
const bytesOf = (fields: Fields, n: number): Buffer | undefined => all(fields, n)[0]?.value as Buffer | undefined;
const messages = (fields: Fields, n: number): Fields[] => all(fields, n).map((f) => fieldsOf(f.value as Buffer));
const text = (fields: Fields, n: number): string | undefined => bytesOf(fields, n)?.toString("utf8");
const hex = (fields: Fields, n: number): string => bytesOf(fields, n)?.toString("hex") ?? "";
const number = (fields: Fields, n: number): number | undefined => {
  const field = all(fields, n)[0];
  if (!field) return undefined;
  if (typeof field.value === "bigint") return Number(field.value);
  return field.value.length === 8 ? field.value.readDoubleLE() : field.value.readUInt32LE();
};
const fixed64 = (fields: Fields, n: number): number | undefined => {
  const value = bytesOf(fields, n);
  return value ? Number(value.readBigUInt64LE()) : undefined;
};
const signed64 = (fields: Fields, n: number): number | undefined => {
  const value = bytesOf(fields, n);
  return value ? Number(value.readBigInt64LE()) : undefined;
};

/** AnyValue: string 1, bool 2, int 3, double 4, array 5 (its values 1). */
function anyValue(fields: Fields): Record<string, unknown> {
  if (fields.has(1)) return { stringValue: text(fields, 1) };
  if (fields.has(2)) return { boolValue: all(fields, 2)[0]?.value === 1n };
  if (fields.has(3)) return { intValue: BigInt.asIntN(64, all(fields, 3)[0]?.value as bigint).toString() };
  if (fields.has(4)) return { doubleValue: (bytesOf(fields, 4) as Buffer).readDoubleLE() };
  const array = messages(fields, 5)[0];
  return { arrayValue: { values: array ? messages(array, 1).map(anyValue) : [] } };
}

/** KeyValue list: key 1, value 2. */
const attributes = (fields: Fields, n: number) =>
  messages(fields, n).map((kv) => ({ key: text(kv, 1), value: anyValue(messages(kv, 2)[0] ?? new Map()) }));

const resource = (fields: Fields) => ({ attributes: attributes(messages(fields, 1)[0] ?? new Map(), 1) });

/** Status: message 2, code 3. */
const statusOf = (fields: Fields) => ({
  code: number(fields, 3) ?? 0,
  ...(fields.has(2) ? { message: text(fields, 2) } : {}),
});

/** ExportTraceServiceRequest as OTLP JSON writes it: resourceSpans, scopeSpans, spans. */
export function tracesFromProtobuf(body: Buffer): unknown {
  return {
    resourceSpans: messages(fieldsOf(body), 1).map((rs) => ({
      resource: resource(rs),
      scopeSpans: messages(rs, 2).map((ss) => ({
        spans: messages(ss, 2).map((span) => ({
          traceId: hex(span, 1),
          spanId: hex(span, 2),
          traceState: text(span, 3) ?? "",
          parentSpanId: hex(span, 4),
          name: text(span, 5),
          kind: number(span, 6) ?? 0,
          attributes: attributes(span, 9),
          links: messages(span, 13).map((link) => ({ traceId: hex(link, 1), spanId: hex(link, 2) })),
          status: statusOf(messages(span, 15)[0] ?? new Map()),
        })),
      })),
    })),
  };
}

/** ExportMetricsServiceRequest as OTLP JSON writes it, with the sums' and histograms' points the receiver reads. */
export function metricsFromProtobuf(body: Buffer): unknown {
  return {
    resourceMetrics: messages(fieldsOf(body), 1).map((rm) => ({
      resource: resource(rm),
      scopeMetrics: messages(rm, 2).map((sm) => ({
        metrics: messages(sm, 2).map((metric) => ({
          name: text(metric, 1),
          unit: text(metric, 3) ?? "",
          sum: {
            dataPoints: messages(messages(metric, 7)[0] ?? new Map(), 1).map((p) => ({
              attributes: attributes(p, 7),
              ...(p.has(4) ? { asDouble: (bytesOf(p, 4) as Buffer).readDoubleLE() } : { asInt: signed64(p, 6) }),
            })),
          },
          histogram: {
            dataPoints: messages(messages(metric, 9)[0] ?? new Map(), 1).map((p) => ({
              attributes: attributes(p, 9),
              count: fixed64(p, 4),
              sum: p.has(5) ? (bytesOf(p, 5) as Buffer).readDoubleLE() : undefined,
            })),
          },
        })),
      })),
    })),
  };
}
