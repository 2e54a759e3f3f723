import { describe, expect, it } from "vitest";
import { withoutQuerySecrets, withoutUserinfo } from "../src/secret-names.js";

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

describe("withoutUserinfo", () => {
  it.each([
    ["http://ann:hunter2@h/x", "http://[redacted]@h/x"],
    ["https://ghp_abc123@github.com/o/r.git", "https://[redacted]@github.com/o/r.git"],
    ["https://ann:p@ss@h/x", "https://[redacted]@h/x"],
    ["see ftp://u:p@h and http://v:q@k/", "see ftp://[redacted]@h and http://[redacted]@k/"],
    ["http://h/users/@me", "http://h/users/@me"],
    ["http://h/x?from=a@b.example", "http://h/x?from=a@b.example"],
    ["mail ann@example.com", "mail ann@example.com"],
  ])("%s", (text, expected) => {
    expect(withoutUserinfo(text)).toBe(expected);
  });
});
