// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} references are the syntax under test.
import { describe, expect, it } from "vitest";
import { type EnvExpansion, expandEnvRefs } from "../src/env-refs.js";

const env = { HOME: "/home/u", TOKEN: "t0k", EMPTY: "", REF: "${TOKEN}", DOLLAR: "$1" };

describe("expandEnvRefs", () => {
  it.each<[string, EnvExpansion]>([
    ["${HOME}/x", { text: "/home/u/x", values: ["/home/u"], missing: [] }],
    ["a${TOKEN}b${TOKEN}", { text: "at0kbt0k", values: ["t0k", "t0k"], missing: [] }],
    ["${MISSING:-fallback}", { text: "fallback", values: ["fallback"], missing: [] }],
    ["${EMPTY:-d}", { text: "d", values: ["d"], missing: [] }],
    ["${MISSING:-}", { text: "", values: [""], missing: [] }],
    ["${TOKEN:-unused}", { text: "t0k", values: ["t0k"], missing: [] }],
    ["${MISSING:-a:-b}", { text: "a:-b", values: ["a:-b"], missing: [] }],
    ["${MISSING:-a b/c=d}", { text: "a b/c=d", values: ["a b/c=d"], missing: [] }],
    // One pass: a value holding a reference, or `$1`, is put in as it is.
    ["${REF}", { text: "${TOKEN}", values: ["${TOKEN}"], missing: [] }],
    ["${DOLLAR}", { text: "$1", values: ["$1"], missing: [] }],
    ["${MISSING:-${TOKEN}}", { text: "${TOKEN}", values: ["${TOKEN"], missing: [] }],
    // Not references: left alone.
    ["$HOME stays", { text: "$HOME stays", values: [], missing: [] }],
    ["no vars", { text: "no vars", values: [], missing: [] }],
    ["${}", { text: "${}", values: [], missing: [] }],
    ["${1A}", { text: "${1A}", values: [], missing: [] }],
    ["${A-B}", { text: "${A-B}", values: [], missing: [] }],
    ["${HOME", { text: "${HOME", values: [], missing: [] }],
    ["$${HOME}", { text: "$/home/u", values: ["/home/u"], missing: [] }],
    // Missing without a default: reported in order, and left as written.
    ["${NOPE}", { text: "${NOPE}", values: [], missing: ["NOPE"] }],
    ["${EMPTY}", { text: "${EMPTY}", values: [], missing: ["EMPTY"] }],
    ["${B}${TOKEN}${A}", { text: "${B}t0k${A}", values: ["t0k"], missing: ["B", "A"] }],
    ["${constructor}", { text: "${constructor}", values: [], missing: ["constructor"] }],
  ])("%j", (input, expected) => {
    expect(expandEnvRefs(input, env)).toEqual(expected);
  });
});
