import { closeSync } from "node:fs";
import { defineTool, ok, wholeNumberProblem } from "@mcp-toolkit/core";
import { z } from "zod";
import { Budget, BudgetExceeded } from "../budget.js";
import { atFileLimit, notFound, TIMEOUT_REFUSAL } from "../errors.js";
import { globMatcher } from "../glob.js";
import { GrepQueue, grepBatch, type QueuedFile } from "../grep-batch.js";
import { loadIgnore } from "../ignore-rules.js";
import { IgnoreWalk } from "../ignore-walk.js";
import { readListedFile } from "../listed-file.js";
import type { Context } from "../options.js";
import { otherCaseMatches } from "../other-case.js";
import { quote, unambiguousRelative } from "../path-policy.js";
import { ToolError } from "../sandbox.js";
import type { Opened } from "../sandbox-paths.js";
import { SearchHits } from "../search-hits.js";
import { searchNotes, type Tally } from "../search-notes.js";
import { type ContentMatcher, compileContentMatcher } from "../search-pattern.js";
import { SearchProgress } from "../search-progress.js";
import { NOT_UTF8_NAME, shownName } from "../shown-name.js";
import { textForm, wholeText } from "../shown-text.js";
import { looksBinary } from "../text.js";
import { bomEncoding } from "../utf16.js";
import { vcsEnter } from "../vcs-dirs.js";
import { countUnreadable, type Unreadable, type WalkEntry, walk } from "../walk.js";

/** Deep enough for any real project; the scan limit bounds the work. */
const SEARCH_DEPTH = 64;

type Matcher = Extract<ContentMatcher, { ok: true }>;

const INPUT = {
  path: z.string().optional().describe('Default "."'),
  pattern: z.string().describe("e.g. *.ts, src/**/*.ts"),
  content: z.string().optional().describe("Text or /regex/[imsu]"),
  exclude: z.array(z.string()).optional().describe("Globs to skip"),
  skip: z.number().optional().describe("Hits to skip"),
  includeIgnored: z.boolean().optional().describe("Search .gitignore'd too"),
};
const OUTPUT = {
  matches: z.array(
    z.object({
      path: z.string(),
      type: z.enum(["file", "directory", "symlink", "other"]),
      line: z.number().optional(),
      text: z.string().optional(),
    }),
  ),
  truncated: z.boolean(),
  skipped: z.number(),
};

/**
 * The text a grep matches in a file's bytes, as read_file shows its lines (UTF-16 decoded, CR line ends as LF), or
 * undefined for a binary file or one whose bytes cannot hold a match.
 */
function searchedText(matcher: Matcher, data: Buffer): string | undefined {
  if (!bomEncoding(data) && (!matcher.mayMatch(data) || looksBinary(data))) return undefined;
  return wholeText(data, textForm(data));
}

/** search_files: find files by name glob, optionally grepping their content, with capped results. */
export function searchFilesTool(ctx: Context) {
  return defineTool({
    name: "search_files",
    title: "Search files",
    description: `Find files by name glob, at any depth (not .gitignore'd); with content, grep them (file:line: text). Max ${ctx.limits.maxResults} hits, ${ctx.limits.searchTimeoutMs / 1000} s.`,
    inputSchema: INPUT,
    outputSchema: OUTPUT,
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    handler: async ({ path = ".", pattern, content, exclude, skip = 0, includeIgnored = false }, call) => {
      const { sandbox, limits } = ctx;
      const badSkip = wholeNumberProblem(skip, "skip", { min: 0 });
      if (badSkip) throw new ToolError(badSkip);
      const test = content === undefined ? undefined : compileContentMatcher(content);
      if (test && !test.ok) throw new ToolError(`content ${quote(content ?? "")}: ${test.reason}`);
      const match = await globMatcher([pattern]);
      const excluded = exclude?.length ? await globMatcher(exclude) : undefined;
      const makeIgnore = includeIgnored ? undefined : await loadIgnore();
      const budget = new Budget(limits.searchTimeoutMs, call.signal);
      const progress = new SearchProgress(call.progress);
      let timedOut = false;
      let cancelled = false;
      const dir = sandbox.openToList(path, sandbox.lexical(path));
      const hits = new SearchHits(skip, limits.maxResults, limits.maxResponseBytes);
      /** Files not searched: over --max-file-bytes, or not readable (those also counted in `unreadableFiles`). */
      let skipped = 0;
      const unreadableFiles: Unreadable = { count: 0 };
      /** Entries the glob matched (with content, files): with none, the reply looks for them in another case. */
      let globbed = 0;
      const scratch = { buf: Buffer.allocUnsafe(64 * 1024) };
      /** The text of a file that may hold a hit; undefined for one that cannot (nearly all), or one skipped. */
      const candidate = (matcher: Matcher, entry: WalkEntry, parent: Opened): string | undefined => {
        try {
          const file = sandbox.openListedFile(path, parent, entry.name);
          try {
            const data = readListedFile(file.fd, limits.maxFileBytes, scratch, file.stat);
            if (data === undefined) {
              skipped++;
              return undefined;
            }
            return searchedText(matcher, data);
          } finally {
            closeSync(file.fd);
          }
        } catch (error) {
          // Out of descriptors, the file is not unreadable, and counting it skipped would hide hits it holds.
          if (atFileLimit(error)) throw sandbox.fsError(unambiguousRelative(entry.rel), error);
          // Deleted since its folder was listed, it holds nothing to find: counted as skipped, it sent the model to
          // --max-file-bytes for a file that is not there. (A name not UTF-8 on disk never gets here: see walk.ts.)
          if (notFound(error)) return undefined;
          skipped++;
          countUnreadable(unreadableFiles, entry.rel, error);
          return undefined;
        }
      };
      /** Lines a regex was tried on only in part, and found nothing in: a match further on went unseen. */
      const unseen: Tally = { count: 0 };
      /** Add the hits of one file; false once the results are full. */
      const report = ({ rel, text }: QueuedFile, lineHits: number[], at: number[], cut: number[]): boolean => {
        if (cut.length > 0) {
          unseen.count += cut.length;
          unseen.first ??= `${rel}:${cut[0]}`;
        }
        return hits.addLines(rel, text, lineHits, at);
      };
      /** Directories at SEARCH_DEPTH, which the walk does not enter. */
      const deeper: Tally = { count: 0 };
      /** Version-control folders the walk did not go into: a search that finds nothing says how to search them. */
      const vcs: Tally = { count: 0 };
      /** Symlinks met, which the walk does not follow: a search that finds nothing says so. */
      const links: Tally = { count: 0 };
      /** The .gitignore and .ignore rules, unless includeIgnored; a search that finds nothing counts what they kept out. */
      const ignore = makeIgnore && new IgnoreWalk(sandbox, path, makeIgnore);
      const queue = new GrepQueue();
      /** Set when the results filled up in a file matched after the walk had gone past it. */
      let filledAt: QueuedFile | undefined;
      /** Match the files waiting; false once the walk should stop (results full, time out). */
      const flush = async (matcher: Matcher): Promise<boolean> => {
        const files = queue.take();
        if (files.length === 0) return true;
        const outcome = await grepBatch(files, matcher.batchLines, budget, report, (n) => progress.batchLines(n));
        progress.batchDone();
        if (outcome.kind === "done") return true;
        if (outcome.kind === "full") {
          filledAt = outcome.file;
          return false;
        }
        if (outcome.stopped instanceof BudgetExceeded) {
          timedOut = budget.expired;
          cancelled = budget.cancelled;
          return false;
        }
        const at = `(at ${outcome.file.rel})`;
        throw new ToolError(`content ${quote(content ?? "")}: ${outcome.stopped.message} ${at}`, TIMEOUT_REFUSAL);
      };
      const grep = (matcher: Matcher, entry: WalkEntry, parent: Opened): boolean | Promise<boolean> => {
        const text = candidate(matcher, entry, parent);
        if (text !== undefined)
          queue.add({ rel: unambiguousRelative(entry.rel), text, skipped, unreadable: unreadableFiles.count });
        // Most files hold no hit and are read and passed over without a promise; a turn is shared only when due.
        if (queue.due(budget)) return flush(matcher).then((go) => go && budget.shareTurn().then(() => true));
        return budget.turnDue ? budget.shareTurn().then(() => true) : true;
      };
      try {
        const stats = await walk(sandbox, path, dir, {
          maxDepth: SEARCH_DEPTH,
          maxScan: limits.maxScanEntries,
          exclude: excluded,
          match,
          budget,
          progress: progress.walk,
          enter: vcsEnter(pattern, vcs),
          ignore,
          onEntry: (entry, parent) => {
            if (entry.type === "directory" && entry.depth === SEARCH_DEPTH) {
              // The walk goes no deeper: say so, or a file down there would be reported as no match.
              deeper.count++;
              deeper.first ??= entry.rel;
            }
            if (entry.type === "symlink") {
              links.count++;
              links.first ??= entry.rel;
            }
            if (!entry.matched) return true;
            if (!test || entry.type === "file") globbed++;
            if (!test)
              return hits.add(
                { path: unambiguousRelative(entry.rel), type: entry.type },
                shownName(unambiguousRelative(entry.rel)) +
                  (entry.type === "directory" ? "/" : "") +
                  (entry.notUtf8 ? ` ${NOT_UTF8_NAME}` : ""),
              );
            return entry.type === "file" && !entry.notUtf8 ? grep(test, entry, parent) : true;
          },
        });
        // The files still waiting were read before the walk stopped, as a file-by-file grep would have matched them.
        if (test?.ok && !filledAt) await flush(test);
        if (filledAt) {
          // The results filled up in a file the walk had gone past: answer as if the walk had stopped there.
          Object.assign(stats, { scanCapped: false, timedOut: false, cancelled: false });
          timedOut = false;
          cancelled = false;
          skipped = filledAt.skipped;
          unreadableFiles.count = filledAt.unreadable;
          if (unreadableFiles.count === 0) Object.assign(unreadableFiles, { first: undefined, reason: undefined });
        }
        timedOut ||= stats.timedOut;
        // Stopped early: by its time limit, or by its client cancelling it (the note says which).
        const stopped = timedOut || cancelled || stats.cancelled;
        const otherCase =
          globbed > 0 || stopped || stats.scanCapped
            ? undefined
            : await otherCaseMatches(pattern, test !== undefined, {
                ...{ sandbox, path, dir, maxDepth: SEARCH_DEPTH, exclude: excluded, budget, enter: vcsEnter(pattern) },
                ignore: makeIgnore && new IgnoreWalk(sandbox, path, makeIgnore),
                ...{ maxScan: limits.maxScanEntries, visited: stats.visited, progress: progress.walk },
              });
        const notes = searchNotes({
          path,
          pattern,
          content,
          skip,
          globbed,
          otherCase,
          shown: hits.matches.length,
          passed: hits.passed,
          full: hits.full,
          stopped: stopped ? budget.stoppedNote(stats.visited, ctx.names("searchTimeoutMs")) : undefined,
          scanCapped: stats.scanCapped,
          visited: stats.visited,
          maxScanEntriesName: ctx.names("maxScanEntries"),
          deeper,
          vcs,
          links,
          ignored: ignore?.passed ?? { count: 0 },
          maxDepth: SEARCH_DEPTH,
          unseen,
          unreadable: stats.unreadable,
          notUtf8: stats.notUtf8,
          skipped,
          unreadableFiles,
          maxFileBytes: limits.maxFileBytes,
          maxFileBytesName: ctx.names("maxFileBytes"),
        });
        return ok([...hits.lines, ...notes].join("\n"), {
          matches: hits.matches,
          truncated: hits.full || stats.scanCapped || stopped || deeper.count > 0 || unseen.count > 0,
          skipped,
        });
      } finally {
        closeSync(dir.fd);
      }
    },
  });
}
