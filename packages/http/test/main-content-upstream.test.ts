// A page shaped like a real article (site header, cookie banner, menus, breadcrumbs, sidebars, footer) as the model
// sees it through http_get and http_request, from an upstream the test starts on 127.0.0.1.
import { afterEach, describe, expect, it } from "vitest";
import { connect, startUpstream, text } from "./helpers.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((f) => f()));
});

const ARTICLE = `<article class="post">
      <header class="entry-header">
        <h1>Rust 2.0 released</h1>
        <p class="byline">By <a href="/authors/ada">Ada Lovelace</a>, 3 March 2031</p>
      </header>
      <div class="entry-content">
        <p>The Rust project shipped <strong>version 2.0</strong> today.</p>
        <aside class="pull-quote"><p>It is the release we always wanted.</p></aside>
        <p>Upgrading takes one command: <code>rustup update</code>.</p>
      </div>
      <footer class="entry-footer">Tags: <a href="/tag/rust">rust</a></footer>
    </article>`;

/** A news page around `content`, with every kind of chrome real sites put before and after it. */
const page = (content: string) => `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Rust 2.0 released | The Daily Byte</title><script>window.dataLayer = [];</script></head>
<body>
  <a class="skip-link" href="#content">Skip to content</a>
  <div id="cookie-consent">We use cookies to improve your experience. <button>Accept all</button></div>
  <header class="site-header">
    <a href="/" class="logo"><img src="/logo.svg" alt="The Daily Byte"></a>
    <nav aria-label="Primary"><ul><li><a href="/news">News</a></li><li><a href="/reviews">Reviews</a></li></ul></nav>
  </header>
  <div class="mobile-menu" aria-hidden="true"><a href="/podcasts">Podcasts</a></div>
  ${content}
  <aside class="sidebar"><h2>Newsletter</h2><p>Sign up for our daily digest.</p></aside>
  <footer class="site-footer"><nav><a href="/privacy">Privacy</a></nav><p>© 2031 The Daily Byte</p></footer>
</body>
</html>`;

const CHROME = /Skip to content|cookies|Reviews|Podcasts|Home|Related stories|Newsletter|Privacy|© 2031/;

async function serve(html: string) {
  const upstream = await startUpstream((_req, res) =>
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html),
  );
  const mcp = await connect({ allowPrivate: true });
  cleanup.push(upstream.close, mcp.close);
  return { upstream, call: mcp.call };
}

describe("an article page's chrome", () => {
  it("is left out when the page marks its main content, and the result says so and how to get the whole page", async () => {
    const html = page(`<main id="content">
    <nav class="breadcrumbs"><a href="/">Home</a> › <a href="/news">News</a></nav>
    ${ARTICLE}
    <aside class="related"><h2>Related stories</h2><ul><li><a href="/go-2">Go 2</a></li></ul></aside>
  </main>`);
    const { upstream, call } = await serve(html);
    const result = await call("http_get", { url: `${upstream.origin}/news/rust-2` });
    expect(result.isError).toBeFalsy();
    const { body } = result.structuredContent as { body: string };
    expect(body).toBe(
      [
        "# Rust 2.0 released",
        `By [Ada Lovelace](${upstream.origin}/authors/ada), 3 March 2031`,
        "The Rust project shipped **version 2.0** today.",
        "It is the release we always wanted.",
        "Upgrading takes one command: `rustup update`.",
        `Tags: [rust](${upstream.origin}/tag/rust)`,
      ].join("\n\n"),
    );
    expect(text(result)).toMatch(
      /\n\n\[Main content only: the page marks its main content with <main>, so that is shown; its navigation, site header and footer, sidebars and banners were left out\. For the whole page, call http_request with raw: true \(the HTML as sent, unconverted\)\.\]$/,
    );
    const raw = await call("http_request", {
      method: "GET",
      url: `${upstream.origin}/news/rust-2`,
      raw: true,
      max_length: 100_000,
    });
    expect((raw.structuredContent as { body: string }).body).toBe(html);
  });

  it("is left out around a lone <article> when there is no <main>", async () => {
    const { upstream, call } = await serve(page(ARTICLE));
    const result = await call("http_get", { url: upstream.origin });
    const { body } = result.structuredContent as { body: string };
    expect(body).toMatch(/^# Rust 2\.0 released\n\nBy .*\n\nTags: \[rust\]\([^)]+\)$/s);
    expect(body).not.toMatch(CHROME);
    expect(text(result)).toContain("[Main content only: the page marks its main content with <article>, so");
  });

  it("is kept, as on any page, when nothing marks the main content", async () => {
    const { upstream, call } = await serve(page(`<div id="content">${ARTICLE.replace(/article/g, "div")}</div>`));
    const result = await call("http_get", { url: upstream.origin });
    const { body } = result.structuredContent as { body: string };
    expect(body).toMatch(
      /^\[Skip to content\]\(#content\)\s+We use cookies .*# Rust 2\.0 released.*© 2031 The Daily Byte$/s,
    );
    expect(body).not.toContain("Podcasts");
    expect(text(result)).not.toContain("Main content only");
  });
});
