import { describe, expect, it } from "vitest";
import { isScriptShell } from "../src/script-shell.js";

const SHELL = '<html><head><script type="module" src="/assets/index.js"></script></head><body><div id="root"></div>';
const BAKERY = "We are a small bakery in Leeds. Open 8–4.";
const PROSE = "This guide explains how to install the library, configure it and call its parser from TypeScript.";

describe("isScriptShell", () => {
  it.each([
    ["an app shell: scripts, no text", SHELL, "", true],
    [
      "a shell whose only text is a link or logo",
      SHELL,
      "[![Acme](https://acme.example/very/long/logo.svg)](https://acme.example/)",
      true,
    ],
    ["a shell with a line of text", `${SHELL}Loading…`, "Loading…", true],
    ["a page with scripts and text", `${SHELL}<p>${PROSE}</p>`, `${PROSE} ${PROSE}`, false],
    ["a short page with no scripts", "<p>OK</p>", "OK", false],
    ["<scripty> is not a script", "<scripty src=x></scripty>", "", false],
    ["an inline script alone", "<p>Hi <script>x()</script></p>", "Hi", false],
    ["a script whose data-src is not its src", '<script data-src="/a.js">x()</script>', "", false],
    // A small static page with an analytics script: under 100 characters, but a sentence of text.
    ["a short page of text with an analytics script", `${SHELL}<p>${BAKERY}</p>`, `# About us\n\n${BAKERY}`, false],
    ["a short page of text in Chinese", SHELL, "我们是一家位于利兹的小面包店。", false],
    ["a shell asking for JavaScript", SHELL, "Please enable JavaScript in your browser to use this app.", true],
    ["a shell with a title and a loading line", SHELL, "# Acme Console\n\nLoading, please wait…", true],
    ["a shell whose menu is rendered", SHELL, "[Home](/) [About](/about) [Pricing](/p) [Blog](/b) [Log in](/l)", true],
    ["a menu of logos", SHELL, "[![Acme home page logo](/l.svg)](/) [![Our shop logo](/s.svg)](/s)", true],
  ])("%s", (_why, html, markdown, shell) => {
    expect(isScriptShell(html, markdown)).toBe(shell);
  });
});
