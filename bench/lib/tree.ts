import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The text the scale figures search for; it appears on one line of every NEEDLE_EVERY-th file. */
export const NEEDLE = "needle-7f3a9c";
const NEEDLE_EVERY = 137;

/** What a generated tree holds. */
export interface Tree {
  root: string;
  files: number;
  bytes: number;
  /** "path:line" of every line holding NEEDLE, paths relative to root with "/". */
  needles: string[];
}

/**
 * A tree of `files` text files of about `fileBytes` each, `perDir` per directory, two levels of directories,
 * deterministic (the same arguments give the same bytes). Written once: a second call finds the marker and only
 * recomputes the answer.
 */
export function textTree(root: string, files: number, fileBytes: number, perDir = 50): Tree {
  const lineCount = Math.max(1, Math.round(fileBytes / 80));
  const needles: string[] = [];
  const marker = join(root, ".complete");
  const written = existsSync(marker);
  let bytes = 0;
  for (let i = 0; i < files; i++) {
    const dirIndex = Math.floor(i / perDir);
    const rel = `d${String(dirIndex % 20).padStart(2, "0")}/s${String(Math.floor(dirIndex / 20)).padStart(3, "0")}/f${String(i).padStart(6, "0")}.txt`;
    const needleLine = i % NEEDLE_EVERY === 0 ? 1 + (i % lineCount) : 0;
    if (needleLine) needles.push(`${rel}:${needleLine}`);
    const lines: string[] = [];
    for (let n = 1; n <= lineCount; n++) {
      const words = `line ${n} of file ${i}: the quick brown fox jumps over the lazy dog ${(i * 31 + n * 7) % 9973}`;
      lines.push(n === needleLine ? `${words} ${NEEDLE}` : words.padEnd(79, "."));
    }
    const text = `${lines.join("\n")}\n`;
    bytes += text.length;
    if (written) continue;
    const dir = join(root, rel, "..");
    if (i % perDir === 0) mkdirSync(dir, { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  if (!written) writeFileSync(marker, "");
  return { root, files, bytes, needles };
}

/**
 * `count` empty files twice below `root`: in `tree/`, spread over 100 directories; in `flat/`, all in one directory.
 * Written once, like textTree.
 */
export function wideTree(root: string, count: number): string {
  const marker = join(root, ".complete");
  if (existsSync(marker)) return root;
  const perDir = Math.ceil(count / 100);
  for (let i = 0; i < count; i++) {
    const name = `e${String(i).padStart(6, "0")}`;
    const dir = join(root, "tree", `d${String(Math.floor(i / perDir)).padStart(3, "0")}`);
    if (i % perDir === 0) mkdirSync(dir, { recursive: true });
    if (i === 0) mkdirSync(join(root, "flat"), { recursive: true });
    writeFileSync(join(dir, name), "");
    writeFileSync(join(root, "flat", name), "");
  }
  writeFileSync(marker, "");
  return root;
}
