import { describe, expect, it } from "vitest";
import { isScriptShell } from "../src/script-shell.js";

const SHELL = '<html><head><script type="module" src="/assets/index.js"></script></head><body><div id="root"></div>';
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
  ])("%s", (_why, html, markdown, shell) => {
    expect(isScriptShell(html, markdown)).toBe(shell);
  });
});
