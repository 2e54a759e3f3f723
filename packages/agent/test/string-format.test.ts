import { describe, expect, it } from "vitest";
import { type StringRules, stringProblem } from "../src/string-format.js";

const email: StringRules = { format: "email" };
const uri: StringRules = { format: "uri" };
const date: StringRules = { format: "date" };
const dateTime: StringRules = { format: "date-time" };

describe("stringProblem", () => {
  it.each<[string, StringRules, string, string | undefined]>([
    ["an email", email, "ada@example.com", undefined],
    ["an email with a plus", email, "a.b+tag@mail.example.org", undefined],
    ["a name is not an email", email, "bob", "an email address is needed, e.g. ada@example.com"],
    ["no dotted domain", email, "bob@localhost", "an email address is needed, e.g. ada@example.com"],
    ["spaces in an email", email, "bob smith@example.com", "an email address is needed, e.g. ada@example.com"],
    ["a URI", uri, "https://x.org/a?b=c", undefined],
    ["a mailto URI", uri, "mailto:ada@example.com", undefined],
    ["a host without a scheme", uri, "x.org", "a URI is needed, e.g. https://example.com/page"],
    ["a date", date, "2000-02-29", undefined],
    ["no such day", date, "2023-02-29", "a date is needed, e.g. 2026-03-14"],
    ["words for a date", date, "yesterday", "a date is needed, e.g. 2026-03-14"],
    ["another date order", date, "14/03/2026", "a date is needed, e.g. 2026-03-14"],
    ["a date-time in UTC", dateTime, "2026-03-14T15:09:26Z", undefined],
    ["a date-time with an offset and fraction", dateTime, "2026-03-14 15:09:26.5+01:00", undefined],
    ["a date-time without a zone", dateTime, "2026-03-14T15:09:26", "a date-time is needed, e.g. 2026-03-14T15:09:26Z"],
    ["an hour past 23", dateTime, "2026-03-14T24:00:00Z", "a date-time is needed, e.g. 2026-03-14T15:09:26Z"],
    ["a format it does not know is not judged", { format: "color" }, "blue-ish", undefined],
    ["too short", { minLength: 3 }, "ab", "at least 3 characters"],
    ["too long", { maxLength: 3 }, "abcd", "at most 3 characters"],
    ["length in characters, not UTF-16 units", { maxLength: 2 }, "😀😀", undefined],
    ["no rules", {}, "anything", undefined],
  ])("%s", (_, rules, text, problem) => {
    expect(stringProblem(rules, text)).toBe(problem);
  });
});
