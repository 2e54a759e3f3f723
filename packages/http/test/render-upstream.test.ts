// Bodies as the model sees them through http_get, from upstreams the test starts on 127.0.0.1.
import { afterEach, describe, expect, it } from "vitest";
import { connect, type Handler, startUpstream, text } from "./helpers.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((f) => f()));
});

/** Serve one body with these headers and return what http_get shows of it after the header lines. */
async function fetchBody(headers: Record<string, string>, body: Buffer | string, path = "/") {
  const handler: Handler = (_req, res) => res.writeHead(200, headers).end(body);
  const upstream = await startUpstream(handler);
  const mcp = await connect({ allowPrivate: true });
  cleanup.push(upstream.close, mcp.close);
  const result = await mcp.call("http_get", { url: `${upstream.origin}${path}` });
  expect(result.isError).toBeFalsy();
  return {
    origin: upstream.origin,
    text: text(result),
    body: String((result.structuredContent as { body?: string } | undefined)?.body),
  };
}

describe("charsets", () => {
  it.each(["windows-1252", "iso-8859-1", "latin1", "ascii"])("decodes charset=%s as windows-1252", async (label) => {
    const { body } = await fetchBody(
      { "content-type": `text/plain; charset=${label}` },
      Buffer.from([0x93, 0x68, 0x69, 0x94, 0x20, 0x80]),
    );
    expect(body).toBe("\u201chi\u201d \u20ac");
  });
});

describe("charset from a <meta> tag", () => {
  it("reads <meta charset> when Content-Type names none", async () => {
    const page = Buffer.concat([
      Buffer.from('<html><head><meta charset="iso-8859-1"></head><body><p>Caf'),
      Buffer.from([0xe9, 0x20, 0x63, 0x72, 0xe8]),
      Buffer.from("me</p></body></html>"),
    ]);
    const { text } = await fetchBody({ "content-type": "text/html" }, page);
    expect(text).toMatch(/\n\nCafé crème$/);
  });

  it("reads <meta http-equiv=Content-Type> naming Shift_JIS", async () => {
    const page = Buffer.concat([
      Buffer.from('<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"><h2>'),
      Buffer.from([0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea]),
      Buffer.from("</h2>"),
    ]);
    expect((await fetchBody({ "content-type": "text/html" }, page)).body).toBe("## 日本語");
  });

  it("lets a Content-Type charset win over the meta, and a BOM win over both", async () => {
    const page = '<meta charset="iso-8859-1"><p>café</p>';
    expect((await fetchBody({ "content-type": "text/html; charset=utf-8" }, page)).body).toBe("café");
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(page)]);
    expect((await fetchBody({ "content-type": "text/html; charset=latin1" }, bom)).body).toBe("café");
  });

  it("says when bytes had to be replaced, after the body, not inside it", async () => {
    const { text, body } = await fetchBody(
      { "content-type": "text/plain; charset=utf-8" },
      Buffer.from([0x6f, 0x6b, 0xff]),
    );
    expect(body).toBe("ok\uFFFD");
    expect(text).toMatch(
      /\n\nok\uFFFD\n\n\[charset: some bytes are not valid utf-8 \(named by Content-Type\) and show as \uFFFD\]$/,
    );
  });
});

describe("code blocks", () => {
  it("fences a bare <pre> from a documentation page, with the language from its class", async () => {
    const page =
      "<h1>Install</h1><pre class='lang-console'>$ npm install foo\n# comment\n* not a list</pre><p>Then run it.</p>";
    expect((await fetchBody({ "content-type": "text/html" }, page)).body).toBe(
      "# Install\n\n```console\n$ npm install foo\n# comment\n* not a list\n```\n\nThen run it.",
    );
  });
});

describe("links and title", () => {
  it("resolves links against the final URL after a redirect, and heads the page with its title", async () => {
    const upstream = await startUpstream((req, res) => {
      if (req.url === "/old") return res.writeHead(302, { location: "/docs/v2/intro.html" }).end();
      res
        .writeHead(200, { "content-type": "text/html; charset=utf-8" })
        .end(
          "<html><head><title>Intro &amp; setup</title></head><body>" +
            "<p>See <a href='usage.html'>usage</a>, <a href='../v1/'>v1</a>, <a href='#install'>below</a>, " +
            "<a href='javascript:void(0)'>menu</a> and <img src='/img/logo.png' alt='logo'>.</p></body></html>",
        );
    });
    const mcp = await connect({ allowPrivate: true });
    cleanup.push(upstream.close, mcp.close);
    const result = await mcp.call("http_get", { url: `${upstream.origin}/old` });
    const { origin } = upstream;
    expect((result.structuredContent as { body: string }).body).toBe(
      `# Intro & setup\n\nSee [usage](${origin}/docs/v2/usage.html), [v1](${origin}/docs/v1/), [below](#install), ` +
        `menu and ![logo](${origin}/img/logo.png).`,
    );
  });

  it("resolves links against <base href>, and leaves the title out when the page has its own h1", async () => {
    const { origin, body } = await fetchBody(
      { "content-type": "text/html" },
      "<head><title>API — Docs</title><base href='/en/latest/'></head><body><h1>API</h1>" +
        "<table><tr><td><a href='api.html#get'>get</a></td></tr></table></body>",
      "/somewhere/else",
    );
    const cell = `[get](${origin}/en/latest/api.html#get)`;
    expect(body).toBe(`# API\n\n| ${cell} |\n| ${"-".repeat(cell.length)} |`);
  });
});

describe("lazy-loaded images", () => {
  it("are shown by the URL they load, resolved like src: data-src, srcset, <picture>'s source", async () => {
    const placeholder = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
    const { origin, body } = await fetchBody(
      { "content-type": "text/html" },
      "<body><p>Gallery</p>" +
        `<p><img src="${placeholder}" data-src="photos/harbour.jpg" alt="harbour"></p>` +
        "<p><img srcset='/s/boat-480.jpg 480w, /s/boat-1200.jpg 1200w' alt='boat'></p>" +
        "<p><a href='/shop'><img data-srcset='logo.png 1x, logo@2x.png 2x' alt='shop'></a></p>" +
        "<picture><source type='image/avif' srcset='/p/pier.avif'><source type='image/webp' srcset='/p/pier.webp'>" +
        "<img alt='pier'></picture></body>",
      "/blog/post",
    );
    expect(body).toBe(
      `Gallery\n\n![harbour](${origin}/blog/photos/harbour.jpg)\n\n![boat](${origin}/s/boat-1200.jpg)\n\n` +
        `[![shop](${origin}/blog/logo@2x.png)](${origin}/shop)\n\n![pier](${origin}/p/pier.webp)`,
    );
  });
});

describe("hidden elements", () => {
  it("leaves out what the page hides, keeps screen-reader text, nav and footer", async () => {
    const page =
      "<nav><a href='/docs'>Docs</a></nav><h1>Page</h1>" +
      "<div style='display:none'>HIDDEN STYLE</div><div hidden>HIDDEN ATTR</div>" +
      "<p>Read <a href='/spec'>the spec<span class='sr-only'> (opens in new tab)</span></a>" +
      "<span aria-hidden='true'> ¶</span>.</p><p style='visibility: hidden'>INVISIBLE</p>" +
      "<footer>© 2026 Example</footer>";
    const { origin, body } = await fetchBody({ "content-type": "text/html" }, page);
    expect(body).toBe(
      `[Docs](${origin}/docs)\n\n# Page\n\nRead [the spec (opens in new tab)](${origin}/spec).\n\n© 2026 Example`,
    );
  });
});

describe("tables and untyped HTML", () => {
  it("keeps a <br> inside a table cell as <br>, not joined words", async () => {
    const { body } = await fetchBody(
      { "content-type": "text/html" },
      "<table><tr><th>Name</th><th>Hours</th></tr><tr><td>Shop</td><td>Mon–Fri<br>Sat 9–12</td></tr></table>",
    );
    const cell = "Mon–Fri<br>Sat 9–12";
    expect(body).toBe(
      `| Name | ${"Hours".padEnd(cell.length)} |\n| ---- | ${"-".repeat(cell.length)} |\n| Shop | ${cell} |`,
    );
  });

  it("renders HTML served with no Content-Type as HTML", async () => {
    const handler: Handler = (_req, res) => {
      res.removeHeader("content-type");
      res.end(
        "\n<!DOCTYPE html><html><head><title>Untyped</title><script>JUNK()</script></head><body><p>Hi</p></body></html>",
      );
    };
    const upstream = await startUpstream(handler);
    const mcp = await connect({ allowPrivate: true });
    cleanup.push(upstream.close, mcp.close);
    const result = await mcp.call("http_get", { url: upstream.origin });
    expect(text(result)).not.toMatch(/content-type/);
    expect((result.structuredContent as { body: string }).body).toBe("# Untyped\n\nHi");
  });
});

describe("a page that redirects with <meta http-equiv=refresh>", () => {
  it("names the absolute URL it redirects to, after the body, so the model can follow it", async () => {
    const page = `<html><head><base href="/docs/v2/"><meta http-equiv="Refresh" content="0; URL='../v3/intro.html?a=1&amp;b=2'"></head><body><p>Redirecting…</p></body></html>`;
    const { origin, text } = await fetchBody({ "content-type": "text/html" }, page, "/docs/v2/old.html");
    expect(text).toMatch(
      new RegExp(
        `\\n\\nRedirecting…\\n\\n\\[This page redirects to ${origin}/docs/v3/intro\\.html\\?a=1&b=2 with <meta http-equiv="refresh">, which browsers follow and this tool does not: call http_get on that URL for the page it points to\\.\\]$`,
      ),
    );
  });

  it("says nothing of a refresh that only reloads the page", async () => {
    const { text } = await fetchBody(
      { "content-type": "text/html" },
      '<meta http-equiv="refresh" content="30"><p>Live scores</p>',
    );
    expect(text).toMatch(/\n\nLive scores$/);
  });
});

describe("a single-page app's shell", () => {
  const note =
    "[Almost no text: this page has scripts and is likely built in the browser by JavaScript, which this tool does not run. Try the site's JSON API or a server-rendered version of the page; http_request with raw: true shows the HTML as sent, with its script URLs.]";

  it("is said to be built by script, not shown as an empty page", async () => {
    const shell = `<!doctype html><html><head><title>Acme Console</title><script type="module" src="/assets/index-4f2a.js"></script></head><body><noscript>You need to enable JavaScript to run this app.</noscript><div id="root"></div></body></html>`;
    const { text } = await fetchBody({ "content-type": "text/html; charset=utf-8" }, shell);
    expect(text.endsWith(`\n\n# Acme Console\n\n${note}`)).toBe(true);
  });

  it("a page with its text and scripts gets no such note", async () => {
    const page = `<title>Post</title><script src="/analytics.js"></script><p>${"A paragraph of the article. ".repeat(5)}</p>`;
    expect((await fetchBody({ "content-type": "text/html" }, page)).text).not.toContain("Almost no text");
  });

  it("a small static page, a sentence under 100 characters with an analytics script, gets no such note", async () => {
    const page = `<title>About</title><script async src="https://analytics.example/gtag.js"></script><h1>About us</h1><p>We are a small bakery in Leeds. Open 8–4.</p>`;
    const { text } = await fetchBody({ "content-type": "text/html" }, page);
    expect(text.endsWith("\n\n# About us\n\nWe are a small bakery in Leeds. Open 8–4.")).toBe(true);
  });

  it("a page with a title, its own <h1> and text gets no such note", async () => {
    // The page's own heading stands in for the title's, and its text is all of what is counted.
    const page = `<title>Guide</title><script src="/analytics.js"></script><h1>Guide</h1><p>${"A paragraph of the guide. ".repeat(20)}</p>`;
    const { text } = await fetchBody({ "content-type": "text/html" }, page);
    expect(text).toContain("A paragraph of the guide.");
    expect(text).not.toContain("Almost no text");
  });
});
