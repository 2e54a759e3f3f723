import { closeSync, linkSync, lstatSync, renameSync, unlinkSync } from "node:fs";
import path from "node:path";
import { defineTool, ok } from "@mcp-toolkit/core";
import { z } from "zod";
import type { Context } from "../options.js";
import { namesDirectory, quote } from "../path-policy.js";
import { ToolError } from "../sandbox.js";
import type { Opened } from "../sandbox-paths.js";
import { shownName } from "../shown-name.js";
import { OTHER_FORM, twinOfNewName } from "../unicode-twin.js";

const INPUT = {
  source: z.string().describe("From"),
  destination: z.string().describe("To"),
};

/** move_file: rename or move a file or directory; never overwrites. */
export function moveFileTool(ctx: Context) {
  return defineTool({
    name: "move_file",
    title: "Move or rename",
    description: "Move or rename a file or directory; never overwrites.",
    inputSchema: INPUT,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    handler: async ({ source, destination }) => {
      const { sandbox } = ctx;
      const from = sandbox.lexical(source);
      const to = sandbox.lexical(destination);
      if (sandbox.isRoot(from)) throw new ToolError(`${quote(source)}: the workspace root cannot be moved`);
      if (sandbox.isRoot(to))
        throw new ToolError(`${quote(destination)}: is the workspace root; name a path inside it`);
      const fromDir = sandbox.openDir(source, path.dirname(from));
      try {
        const toDir = openDestinationDir(ctx, destination, to);
        try {
          // The real places, through the verified parents: a typed path may run through a symlink to a parent.
          const realFrom = sandbox.mutable(source, fromDir, path.basename(from));
          const realTo = sandbox.mutable(destination, toDir, path.basename(to));
          const src = sandbox.child(fromDir, path.basename(from));
          const dst = sandbox.child(toDir, path.basename(to));
          const stat = sandbox.call(source, () => lstatSync(src));
          if (!stat.isDirectory() && namesDirectory(source)) {
            // A symlink is moved itself, never what it points to: a link to a directory is not one either.
            const what = stat.isSymbolicLink()
              ? "is a symlink (move_file moves the link itself, not what it points to)"
              : "is a file";
            throw new ToolError(`${quote(source)}: ${what}, but the trailing "/" names a directory; drop it`);
          }
          const taken = () =>
            new ToolError(
              `${quote(destination)}: already exists; move_file never overwrites — delete_file it first or pick another name`,
            );
          try {
            const there = lstatSync(dst);
            if (there.ino === stat.ino && there.dev === stat.dev) {
              // "Delete it first" would delete the source itself.
              throw new ToolError(
                `${quote(destination)}: is ${quote(source)} itself (same file); nothing to move — pick another destination`,
              );
            }
            if (there.isDirectory()) {
              const into = `${destination.replace(/\/+$/, "")}/${path.basename(from)}`;
              throw new ToolError(`${taken().message}; to move into that directory, use destination ${quote(into)}`);
            }
            throw taken();
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw sandbox.fsError(destination, error);
          }
          if (!stat.isDirectory() && namesDirectory(destination)) refuseNewFolder(destination, path.basename(from));
          const sourceHere = toDir.real === fromDir.real ? path.basename(from) : undefined;
          refuseTwin(ctx, destination, toDir.real, path.basename(to), sourceHere);
          if (stat.isDirectory() && realTo.startsWith(`${realFrom}${path.sep}`)) {
            throw new ToolError(
              `${quote(destination)}: is inside ${quote(source)}, and a directory cannot be moved into itself; nothing was moved — pick a destination outside it`,
            );
          }
          const rename = () => renameOrSay(ctx, source, destination, src, dst);
          if (stat.isDirectory()) {
            rename();
          } else {
            // link() fails if the destination appeared meanwhile: no-overwrite without a race.
            try {
              linkSync(src, dst);
              unlinkOrUndo(source, src, dst);
            } catch (error) {
              if (error instanceof ToolError) throw error;
              const code = (error as NodeJS.ErrnoException).code;
              if (code === "EEXIST") throw taken();
              if (code === "EACCES") {
                // link() needs only the destination's folder to be writable (both are searchable: opened above).
                throw new ToolError(
                  `${quote(destination)}: permission denied: its folder ${folderOf(destination)} is not writable by the server's user; nothing was moved`,
                  { cause: code },
                );
              }
              // link() writes only in the destination's folder: a read-only mount there is the destination's.
              if (code === "EROFS") throw sandbox.fsError(destination, error);
              if (code !== "EXDEV" && code !== "EPERM" && code !== "ENOTSUP" && code !== "EMLINK") {
                throw sandbox.fsError(source, error);
              }
              rename();
            }
          }
          return ok(`moved ${shownName(sandbox.display(realFrom))} to ${shownName(sandbox.display(realTo))}`);
        } finally {
          closeSync(toDir.fd);
        }
      } finally {
        closeSync(fromDir.fd);
      }
    },
  });
}

/** The folder a typed path names its entry in, quoted as messages show paths. */
function folderOf(typed: string): string {
  return quote(path.dirname(typed.replace(/\/+$/, "")));
}

/**
 * rename(), whose refusal names both folders: it needs to write in each (and in a directory that changes folder, to
 * repoint its ".."), and EACCES does not say which one refused, where "source: permission denied" blamed the source.
 */
function renameOrSay(ctx: Context, source: string, destination: string, src: string, dst: string): void {
  try {
    renameSync(src, dst);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EACCES") throw ctx.sandbox.fsError(source, error);
    throw new ToolError(
      `${quote(source)} to ${quote(destination)}: permission denied: a move needs the server's user to write in the source's folder ${folderOf(source)} and the destination's folder ${folderOf(destination)} (and, for a directory changing folder, in the directory itself); nothing was moved`,
      { cause: "EACCES" },
    );
  }
}

/**
 * Take the source's name away once the destination's is made; if its folder refuses (not writable by the server's
 * user), take the new name back, so a failed move leaves one name for the file, not a second one at the destination.
 */
function unlinkOrUndo(source: string, src: string, dst: string): void {
  try {
    unlinkSync(src);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Only a refusal leaves the source surely in place; after any other failure the new name may be the only one.
    if (code !== "EACCES" && code !== "EPERM") throw error;
    try {
      unlinkSync(dst);
    } catch {
      // Already gone: nothing left to undo.
    }
    throw new ToolError(
      `${quote(source)}: permission denied: its folder ${folderOf(source)} does not let the server's user take the file out of it (the folder is not writable, or is sticky and the file another user's); nothing was moved`,
      { cause: code },
    );
  }
}

/**
 * A destination with a trailing "/" that does not exist asks for a folder to move a file into: renaming the file to
 * that name would make a file of it (as `mv a.txt new/` refuses to). `name`: the file's.
 */
function refuseNewFolder(destination: string, name: string): never {
  const folder = destination.replace(/\/+\.?$/, "").replace(/\/+$/, "");
  throw new ToolError(
    `${quote(destination)}: no such directory (the trailing "/" names one); nothing was moved. To rename the file to ${quote(path.basename(folder))}, drop the "/"; to move it into a new folder, create_directory ${quote(folder)} first, then move to ${quote(`${folder}/${name}`)}`,
  );
}

/**
 * A destination whose name is an entry's in another Unicode form would look the same as it and be another entry;
 * renaming that entry itself from one form to the other (`sourceHere`, the source's name when in the same folder) is
 * what a user may want, and goes ahead.
 */
function refuseTwin(ctx: Context, destination: string, dir: string, name: string, sourceHere?: string): void {
  const twin = twinOfNewName(dir, name, (absolute) => ctx.sandbox.isHidden(absolute), sourceHere);
  if (twin === undefined) return;
  const existing = quote(path.join(path.dirname(destination.replace(/\/+$/, "")), twin));
  throw new ToolError(
    `${quote(destination)}: not moved: ${existing} is there, ${OTHER_FORM}, and a second entry would look the same as it; pick another name`,
  );
}

/** The folder the destination goes in; when it does not exist, say so (move_file makes no folders). */
function openDestinationDir(ctx: Context, destination: string, to: string): Opened {
  try {
    return ctx.sandbox.openDir(destination, path.dirname(to));
  } catch (error) {
    if ((error as Error).cause !== "ENOENT") throw error;
    const folder = path.dirname(destination.replace(/\/+$/, ""));
    throw new ToolError(
      `${quote(destination)}: its folder ${quote(folder)} does not exist; create_directory ${quote(folder)} first, then move`,
    );
  }
}
