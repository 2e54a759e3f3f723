import { describe, expect, it } from "vitest";
import { withoutQuerySecrets } from "../src/secret-names.js";

describe("withoutQuerySecrets", () => {
  it.each([
    ["http://h/x?token=abc123&api_key=zzz999&page=2", "http://h/x?token=[redacted]&api_key=[redacted]&page=2"],
    ["https://h/cb?code=1&access_token=t#frag", "https://h/cb?code=1&access_token=[redacted]#frag"],
    ["/p?api%5Fkey=s3cr3t", "/p?api%5Fkey=[redacted]"],
    ["/p?client_secret=&x=1", "/p?client_secret=[redacted]&x=1"],
    ["no query: password=hunter2 in words", "no query: password=hunter2 in words"],
    ["a=b c=d", "a=b c=d"],
    ["http://h/x?q=token", "http://h/x?q=token"],
  ])("%s", (text, expected) => {
    expect(withoutQuerySecrets(text)).toBe(expected);
  });
});
