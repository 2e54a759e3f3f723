// A name typed in one Unicode form (NFC, as most keyboards and models write "é") may be stored in another (NFD, "e"
// and a combining accent, as macOS has written names): the bytes differ, so the file is "not found". The tools say
// which name is there instead.
import { opendirSync } from "node:fs";
import path from "node:path";

/** How many entries of a directory are looked through for the twin; a larger one is not read to its end. */
const SCAN_LIMIT = 50_000;

/** Whether `name` has characters that another Unicode normalization form spells differently. */
export function hasOtherForms(name: string): boolean {
  return name !== name.normalize("NFC") || name !== name.normalize("NFD");
}

/**
 * The entry of the directory `dir` (a real, verified path) that is `name` in another normalization form, unless
 * `hidden` says it is kept from the tools; undefined when there is none, or it cannot be read. The caller asks only
 * for a name with other forms (hasOtherForms), before it resolves `dir`.
 */
export function unicodeTwin(dir: string, name: string, hidden: (absolute: string) => boolean): string | undefined {
  const wanted = name.normalize("NFC");
  let handle: ReturnType<typeof opendirSync> | undefined;
  try {
    handle = opendirSync(dir);
    for (let seen = 0; seen < SCAN_LIMIT; seen++) {
      const entry = handle.readSync();
      if (!entry) return undefined;
      if (entry.name !== name && entry.name.normalize("NFC") === wanted && !hidden(path.join(dir, entry.name))) {
        return entry.name;
      }
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    handle?.closeSync();
  }
}

/** How a message says what a twin is. */
export const OTHER_FORM = "the same name in another Unicode form (NFC/NFD; macOS writes names decomposed)";

/**
 * The entry of `dir` that a new entry named `name` would be a twin of (the same name in another form, so two entries
 * that look the same), or undefined. `except` is an entry that may be renamed to `name` (its own other form).
 */
export function twinOfNewName(
  dir: string,
  name: string,
  hidden: (absolute: string) => boolean,
  except?: string,
): string | undefined {
  if (!hasOtherForms(name)) return undefined;
  const twin = unicodeTwin(dir, name, hidden);
  return twin === except ? undefined : twin;
}
