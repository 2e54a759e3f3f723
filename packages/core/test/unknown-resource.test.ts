import { afterEach, describe, expect, it } from "vitest";
import { unknownResourceMessage } from "../src/unknown-resource.js";
import { type ClientKind, connectClient, type TestClient } from "./clients.js";
import { libraryFactory } from "./library.js";

describe("unknownResourceMessage", () => {
  const uris = ["library://catalogue", "library://stats"];
  const templates = ["library://book/{name}"];

  it.each<[string, readonly string[], readonly string[], string | undefined]>([
    [
      "Resource not found: library://elsewhere",
      uris,
      templates,
      "Resource not found: library://elsewhere; this server reads the resources library://catalogue, library://stats and URIs of the form library://book/{name} (resources/list and resources/templates/list show them)",
    ],
    [
      "Resource URI not a uri is invalid",
      uris,
      [],
      "Resource URI not a uri is invalid; this server reads the resources library://catalogue, library://stats (resources/list and resources/templates/list show them)",
    ],
    ["Resource not found: x", [], [], "Resource not found: x; this server offers no resources"],
    [
      "Resource template library://{x} not found",
      uris,
      templates,
      "Resource template library://{x} not found; this server completes the variables of library://book/{name} (resources/templates/list shows them)",
    ],
    [
      "Resource template library://{x} not found",
      uris,
      [],
      "Resource template library://{x} not found; this server has no resource templates to complete",
    ],
    // Any other invalid-params answer is left as it is: a template's own refusal already says what to do.
    ['No book named "x": resources/list shows the books', uris, templates, undefined],
    ["Resource library://stats disabled", uris, templates, undefined],
  ])("%s", (message, offered, forms, explained) => {
    expect(unknownResourceMessage(message, offered, forms)).toBe(explained);
  });
});

const clients: TestClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close().catch(() => {});
});

describe.each<ClientKind>(["modern", "v2@2025-11-25", "v1@2025-06-18"])("a %s client's read of a URI", (kind) => {
  it.each([
    ["no resource has", "library://elsewhere", /^(MCP error -32602: )?Resource not found: library:\/\/elsewhere; this/],
    ["that is not a URI", "not a uri", /^(MCP error -32602: )?Resource URI not a uri is invalid; this server reads/],
  ])("%s is told what the server reads", async (_, uri, start) => {
    const client = await connectClient(libraryFactory(3).factory, kind);
    clients.push(client);
    const read = client.readResource({ uri });
    await expect(read).rejects.toThrow(start);
    await expect(read).rejects.toThrow(
      /reads the resources .*library:\/\/stats.* and URIs of the form library:\/\/book\/\{name\}/,
    );
  });
});

describe.each<ClientKind>(["modern", "v1@2025-06-18"])("a %s client's completion of an unknown template", (kind) => {
  it("is told the templates the server completes", async () => {
    const client = await connectClient(libraryFactory(3).factory, kind);
    clients.push(client);
    const complete = client.complete({
      ref: { type: "ref/resource", uri: "library://books/{name}" },
      argument: { name: "name", value: "" },
    });
    await expect(complete).rejects.toMatchObject({ code: -32602 });
    await expect(complete).rejects.toThrow(
      /Resource template library:\/\/books\/\{name\} not found; this server completes the variables of library:\/\/book\/\{name\}/,
    );
  });
});
