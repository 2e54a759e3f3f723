// Requests whose params do not fit the protocol's schema, through real clients of both generations: invalid params
// naming the parameter and what it should be, not an internal error holding zod's issue list.
import { afterEach, describe, expect, it } from "vitest";
import { invalidParamsMessage, malformedInitialize } from "../src/invalid-params.js";
import { auditedFactory } from "../src/server-factory.js";
import { memoryAudit } from "./audit-trail.js";
import { CLIENT_KINDS, type ClientKind, connectClient, type TestClient } from "./clients.js";
import { libraryFactory } from "./library.js";

/** The SDK's message for these issues: zod's list, as ZodError.message writes it. */
const zodList = (issues: object[]) => JSON.stringify(issues, null, 2);
const notText = (path: string[], got: string) => ({
  expected: "string",
  code: "invalid_type",
  path: ["params", ...path],
  message: `Invalid input: expected string, received ${got}`,
});

describe("invalidParamsMessage", () => {
  it.each([
    [
      zodList([notText(["uri"], "number")]),
      /^Invalid params: uri is a number; it should be the resource's URI, as text/,
    ],
    [zodList([notText(["uri"], "undefined")]), /^Invalid params: uri is missing; it should be the resource's URI/],
    [zodList([notText(["cursor"], "null")]), /^Invalid params: cursor is null; it should be the nextCursor/],
    [zodList([notText(["argument", "name"], "number")]), /argument.name is a number; it should be the name of the/],
    [
      zodList([{ code: "invalid_union", errors: [], path: ["params", "ref"], message: "Invalid input" }]),
      /^Invalid params: ref is not valid; it should be \{"type": "ref\/prompt", "name"/,
    ],
    // A nested parameter with no entry of its own is told what its parent should be.
    [zodList([notText(["ref", "type"], "number")]), /^Invalid params: ref.type is a number; it should be \{"type"/],
    [
      `Invalid tools/call request: ${zodList([{ ...notText(["arguments"], "string"), expected: "record" }])}`,
      /^Invalid params for tools\/call: arguments is text; it should be an object of the tool's arguments/,
    ],
    [
      zodList([notText(["uri"], "number"), notText(["cursor"], "boolean")]),
      /uri is a number; it should be .*\. cursor is a boolean; it should be/,
    ],
    [zodList([notText(["elsewhere"], "number")]), /^Invalid params: elsewhere is a number$/],
  ])("explains %s", (message, expected) => {
    expect(invalidParamsMessage(message)).toMatch(expected);
  });

  it.each([
    ["Internal error"],
    ["Tool x not found"],
    ["[]"],
    // An issue list about something else than the request's params (a handler's own zod error) is not the client's.
    [
      zodList([
        { code: "invalid_type", path: ["rows", 0], message: "Invalid input: expected string, received number" },
      ]),
    ],
    [`Invalid tools/call result: ${zodList([notText(["content"], "number")]).replace('"params"', '"result"')}`],
  ])("leaves any other message alone: %s", (message) => {
    expect(invalidParamsMessage(message)).toBeUndefined();
  });
});

describe("malformedInitialize", () => {
  const params = { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "c", version: "1" } };
  const request = (changes: object) => ({ jsonrpc: "2.0", id: 7, method: "initialize", params, ...changes });

  it("says which param of an initialize is wrong, with its id", () => {
    expect(malformedInitialize(request({ params: { ...params, protocolVersion: 5 } }))).toEqual({
      id: 7,
      message: expect.stringMatching(/^Invalid params: protocolVersion is a number; it should be the protocol/),
    });
  });

  it.each([
    ["a good initialize", request({})],
    ["another method", request({ method: "tools/list", params: { cursor: 5 } })],
    ["a notification", request({ id: undefined, params: {} })],
    ["a wrong jsonrpc, not a param", request({ jsonrpc: "1.0" })],
    ["a batch", [request({ params: {} })]],
    ["null", null],
  ])("leaves %s to the session layer's other answers", (_, body) => {
    expect(malformedInitialize(body)).toBeUndefined();
  });
});

const clients: TestClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close().catch(() => {});
});

/** Calls whose params a client can send wrong (typed as never: the client does not check what it sends). */
const BAD_CALLS: [string, (client: TestClient) => Promise<unknown>, RegExp][] = [
  ["resources/read with a number", (c) => c.readResource({ uri: 5 } as never), /uri is a number; it should be/],
  ["resources/read without uri", (c) => c.readResource({} as never), /uri is missing; it should be the resource's/],
  [
    "completion/complete with a number for the argument's name",
    (c) =>
      c.complete({ ref: { type: "ref/prompt", name: "summarize-book" }, argument: { name: 1, value: "" } } as never),
    /argument.name is a number; it should be the name of the argument to complete/,
  ],
  [
    "completion/complete with an unknown kind of ref",
    (c) => c.complete({ ref: { type: "ref/nope" }, argument: { name: "book", value: "" } } as never),
    /ref is not valid; it should be \{"type": "ref\/prompt"/,
  ],
  ["tools/list with a number cursor", (c) => c.listTools({ cursor: 5 } as never), /cursor is a number; it should be/],
  ["prompts/list with a number cursor", (c) => c.listPrompts({ cursor: 5 } as never), /cursor is a number/],
  ["resources/list with a number cursor", (c) => c.listResources({ cursor: 5 } as never), /cursor is a number/],
  [
    "resources/templates/list with a number cursor",
    (c) => c.listResourceTemplates({ cursor: 5 } as never),
    /cursor is a number/,
  ],
  [
    "tools/call with text for arguments",
    (c) => c.callTool({ name: "add_book", arguments: "x" } as never),
    /Invalid params for tools\/call: arguments is text; it should be an object of the tool's arguments/,
  ],
];

describe.each<ClientKind>(CLIENT_KINDS)("params that do not fit, from a %s client", (kind) => {
  it.each(BAD_CALLS)("answers %s with invalid params naming it", async (_, call, message) => {
    const client = await connectClient(libraryFactory(3).factory, kind);
    clients.push(client);
    const answer = call(client);
    await expect(answer).rejects.toMatchObject({ code: -32602 });
    await expect(answer).rejects.toThrow(message);
    await expect(answer).rejects.not.toThrow(/invalid_type|"path"|"code"/);
  });
});

it("writes the explained answer to the audit trail, not the SDK's", async () => {
  const { audit, entries: lines } = memoryAudit();
  const client = await connectClient(auditedFactory(libraryFactory(3).factory, audit), "v2@2025-11-25");
  clients.push(client);
  await expect(client.readResource({ uri: 5 } as never)).rejects.toThrow(/uri is a number/);
  expect(lines.find((line) => line.method === "resources/read")).toMatchObject({
    outcome: "error",
    reason: expect.stringMatching(/^-32602 Invalid params: uri is a number; it should be the resource's URI/),
  });
});
