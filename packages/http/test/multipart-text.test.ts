import { Request } from "undici";
import { describe, expect, it } from "vitest";
import { malformedMultipart } from "../src/multipart-text.js";

const part = (name: string, value: string, eol = "\r\n") =>
  `Content-Disposition: form-data; name="${name}"${eol}${eol}${value}`;

/** What undici's strict parser (Request.formData, as a Node upstream reads a form) makes of a form-data body. */
async function undiciReads(text: string, boundary: string): Promise<[string, string][] | "refused"> {
  const request = new Request("http://127.0.0.1/", {
    method: "POST",
    headers: { "content-type": `multipart/form-data; boundary="${boundary}"` },
    body: text,
  });
  try {
    return [...(await request.formData()).entries()].map(([name, value]) => [name, String(value)]);
  } catch {
    return "refused";
  }
}

describe("malformedMultipart", () => {
  it.each([
    [`--X\r\n${part("a", "1")}\r\n--X--\r\n`, "X", [["a", "1"]]],
    [`--X\r\n${part("a", "1")}\r\n--X--`, "X", [["a", "1"]]],
    // A part's content may hold bare LFs, and be empty.
    [
      `--a b\r\n${part("a", "line 1\nline 2")}\r\n--a b\r\n${part("b", "")}\r\n--a b--\r\n`,
      "a b",
      [
        ["a", "line 1\nline 2"],
        ["b", ""],
      ],
    ],
    // Headers other than Content-Disposition come too; a file part is a field.
    [
      `--X\r\nContent-Type: text/plain\r\ncontent-disposition: form-data; name="f"; filename="a.txt"\r\n\r\nhi\r\n--X--\r\n`,
      "X",
      [["f", "[object File]"]],
    ],
  ])("sends %j under %j", async (text, boundary, fields) => {
    expect(malformedMultipart(text, boundary, true)).toBeUndefined();
    expect(await undiciReads(text, boundary)).toEqual(fields);
  });

  // The last column is what undici 7 reads of the body: it refuses nearly all; of the rest it reads no field, or one
  // that receivers following RFC 2046 (or undici 6, in Node 20 and 22, which refuses each) do not.
  it.each([
    // No part at all.
    [
      "name=alice&age=3",
      "X",
      'this text never holds "--X", so the upstream would find no parts in it; nothing was sent',
      "refused",
    ],
    ["", "X", 'never holds "--X"', "refused"],
    // Boundaries are compared as written: case counts.
    [`--x\r\n${part("a", "1")}\r\n--x--\r\n`, "X", 'never holds "--X"', "refused"],
    ["a=1 --X b=2", "X", 'holds "--X" only inside a line, where it delimits nothing', "refused"],
    ["--X--\r\n", "X", "the multipart body closes (--X--, line 1) before any part", []],
    // LF line breaks, wherever a CRLF belongs.
    [
      `--X\n${part("a", "1", "\n")}\n--X--\n`,
      "X",
      `the multipart body's line 1 ("--X") ends in a bare LF, but multipart lines end in CRLF (RFC 2046), and strict receivers find no parts or refuse the body; nothing was sent. End the boundary lines, each part's header lines and the empty line after them with \\r\\n (a part's content may hold bare LFs); bytes written are never changed here`,
      "refused",
    ],
    [
      `--X\r\n${part("a", "1", "\n")}\r\n--X--\r\n`,
      "X",
      `line 2 ("Content-Disposition: form-data; name=\\"a\\"") ends in a bare LF`,
      "refused",
    ],
    [
      `--X\r\n${part("a", "1")}\n--X--\r\n`,
      "X",
      `the multipart body's line 5 ("--X--") starts with --X after a bare LF, but a boundary line comes after a CRLF (RFC 2046), and receivers that follow it do not cut the body there; nothing was sent`,
      "refused",
    ],
    [`pre\n--X\r\n${part("a", "1")}\r\n--X--`, "X", `line 2 ("--X") starts with --X after a bare LF`, [["a", "1"]]],
    [`a\n--X\n${part("a", "1", "\n")}\n--X--`, "X", `line 2 ("--X") starts with --X after a bare LF`, "refused"],
    // No closing line.
    [
      `--X\r\n${part("a", "1")}\r\n`,
      "X",
      "the multipart body never closes: after its part no line --X-- ends it (RFC 2046), and strict receivers refuse such a body or drop its last part; nothing was sent. End the body with a line --X-- after the last part's content (…content\\r\\n--X--\\r\\n)",
      "refused",
    ],
    [
      `--X\r\n${part("a", "1")}\r\n--X\r\n${part("b", "2")}\r\n--X`,
      "X",
      "after its 2 parts no line --X-- ends it (RFC 2046), and strict receivers refuse such a body or drop its last part; nothing was sent. End the body with a line --X-- after the last part's content (…content\\r\\n--X--\\r\\n); it ends in --X, without the closing --",
      "refused",
    ],
    [`--X\r\nContent-Disposition: form-data`, "X", "the multipart body never closes: no line --X-- ends it", "refused"],
    // A preamble and an epilogue are RFC 2046's, which has receivers ignore them, but undici 6 refuses the form.
    [
      `preamble\r\n--X\r\n${part("a", "1")}\r\n--X--\r\n`,
      "X",
      "the multipart/form-data body has text before its first boundary line (line 2, --X), a preamble that RFC 2046 has receivers ignore but Node's built-in form parser (undici 6, in Node 20 and 22) refuses the whole form for; nothing was sent. Start the body with the line --X",
      [["a", "1"]],
    ],
    [
      `--X\r\n${part("a", "1")}\r\n--X--\r\nepilogue`,
      "X",
      "the multipart/form-data body goes on after its closing line --X-- (line 5), with an epilogue that RFC 2046 has receivers ignore but Node's built-in form parser (undici 6, in Node 20 and 22) refuses the whole form for; nothing was sent. End the body with --X--, or --X--\\r\\n",
      [["a", "1"]],
    ],
    [`--X\r\n${part("a", "1")}\r\n--X--  \r\n`, "X", "goes on after its closing line --X-- (line 5)", [["a", "1"]]],
    [`--X\r\n${part("a", "1")}\r\n--X--\n`, "X", "goes on after its closing line --X-- (line 5)", [["a", "1"]]],
    // Boundary lines that go on, or end in spaces.
    [
      `--X\r\n${part("a", "1")}\r\n--XY\r\n`,
      "X",
      `the multipart body's line 5 ("--XY") starts with --X but goes on, so it is not a boundary line (--X alone starts a part, --X-- alone closes the body) and receivers read it differently; nothing was sent`,
      "refused",
    ],
    [`--X\r\n${part("a", "1")}\r\n--X--Y`, "X", `line 5 ("--X--Y") starts with --X but goes on`, [["a", "1"]]],
    [
      `--X \r\n${part("a", "1")}\r\n--X--`,
      "X",
      `line 1 ("--X ") has spaces after its boundary, which RFC 2046 allows but strict parsers (Node's undici) refuse; nothing was sent. End the line right after --X`,
      "refused",
    ],
    // A part's headers end at an empty line, a form-data part names its field, and an empty content is a line.
    [
      `--X\r\nalice\r\n--X--\r\n`,
      "X",
      "part 1 of the multipart body (its headers from line 2) has no empty line after its headers before the boundary line 3; nothing was sent",
      "refused",
    ],
    [
      `--X\r\n${part("a", "")}--X--\r\n`,
      "X",
      "part 1 of the multipart body has the boundary line 4 right after the empty line that ends its headers, but the line break before a boundary line belongs to that line, so the part never ends; nothing was sent. Write an empty content as one more line break (…\\r\\n\\r\\n\\r\\n--X)",
      "refused",
    ],
    [
      `--X\r\n${part("a", "1")}\r\n--X\r\nContent-Type: text/plain\r\n\r\n2\r\n--X--`,
      "X",
      'part 2 of the multipart/form-data body (its headers from line 6) has no Content-Disposition: form-data; name="…" header, and a receiver drops or refuses a part that names no field (RFC 7578); nothing was sent',
      "refused",
    ],
    [
      `--X\r\nContent-Disposition: attachment; name="a"\r\n\r\n1\r\n--X--`,
      "X",
      "has no Content-Disposition: form-data",
      "refused",
    ],
    [
      `--X\r\nContent-Disposition: form-data; filename="a"\r\n\r\n1\r\n--X--`,
      "X",
      "has no Content-Disposition: form-data",
      "refused",
    ],
  ])("refuses %j under %j: %s", async (text, boundary, message, undici) => {
    expect(malformedMultipart(text, boundary, true)).toContain(message);
    expect(await undiciReads(text, boundary)).toEqual(undici);
  });

  it("reads other multipart types by RFC 2046 alone: their parts need no field name", () => {
    const mixed = "--X\r\nContent-Type: text/plain\r\n\r\nhello\r\n--X\r\n\r\nno headers\r\n--X--\r\n";
    expect(malformedMultipart(mixed, "X", false)).toBeUndefined();
    expect(malformedMultipart(mixed.replaceAll("\r\n", "\n"), "X", false)).toContain(
      'line 1 ("--X") ends in a bare LF',
    );
    expect(malformedMultipart(mixed.slice(0, -9), "X", false)).toContain(
      "the multipart body never closes: after its 2 parts",
    );
    expect(malformedMultipart(mixed, "X", true)).toContain("part 1 of the multipart/form-data body");
    // A preamble and an epilogue are RFC 2046's, for mail readers and the like to ignore.
    expect(malformedMultipart(`This is a message in MIME format.\r\n${mixed}epilogue\r\n`, "X", false)).toBeUndefined();
    expect(malformedMultipart(`${mixed.slice(0, -2)}  \r\n`, "X", false)).toBeUndefined();
  });

  it("shows at most 60 characters of a line at fault, never half a character", () => {
    const line = `${"h".repeat(59)}😀 and more`;
    const message = malformedMultipart(`--X\r\n${line}\n\r\nvalue\r\n--X--\r\n`, "X", true);
    expect(message).toContain(`line 2 ("${"h".repeat(59)}…") ends in a bare LF`);
  });

  it("walks a body in time linear in its size: a megabyte of parts, or of header lines, once", () => {
    const fields = Array.from({ length: 20_000 }, (_, i) => part(`f${i}`, "x".repeat(20)));
    const body = `--X\r\n${fields.join("\r\n--X\r\n")}\r\n--X--\r\n`;
    expect(body.length).toBeGreaterThan(1_000_000);
    expect(malformedMultipart(body, "X", true)).toBeUndefined();
    expect(malformedMultipart(body.slice(0, -9), "X", true)).toContain("after its 20000 parts");
    const headers = `--X\r\n${"Content-Type: text/plain\r\n".repeat(50_000)}`;
    expect(malformedMultipart(headers, "X", true)).toContain("no empty line after its headers before the text ends");
  });
});
