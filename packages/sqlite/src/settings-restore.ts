import type Database from "better-sqlite3";
import type { SettingRef } from "./connection-settings.js";
import { quoteIdentifier } from "./table-name.js";

/** A setting's value before a call changed it. */
export interface SavedSetting {
  ref: SettingRef;
  value: number;
}

/**
 * Read the settings `refs` on `db` before a call changes them (connection-settings.ts). One that cannot be read (no
 * such schema yet, or no value, like mmap_size on an in-memory database) is skipped: there is nothing to put back.
 */
export function saveSettings(db: Database.Database, refs: readonly SettingRef[]): SavedSetting[] {
  const saved: SavedSetting[] = [];
  for (const ref of refs) {
    const value = read(db, ref);
    if (value !== undefined) saved.push({ ref, value });
  }
  return saved;
}

/** Put the saved settings back where the call changed them; one whose schema is gone went with it. */
export function restoreSettings(db: Database.Database, saved: readonly SavedSetting[]): void {
  for (const { ref, value } of saved) {
    const now = read(db, ref);
    // Only on a change: setting temp_store, even to itself, would drop TEMP objects.
    if (now !== undefined && now !== value) db.exec(`PRAGMA ${qualified(ref)} = ${value}`);
  }
}

function read(db: Database.Database, ref: SettingRef): number | undefined {
  try {
    // case_sensitive_like can be set but not read: its effect is read instead.
    if (ref.name === "case_sensitive_like") return db.prepare("SELECT 'a' LIKE 'A'").pluck().get() === 1 ? 0 : 1;
    const value = db.pragma(qualified(ref), { simple: true });
    return typeof value === "number" || typeof value === "bigint" ? Number(value) : undefined;
  } catch {
    return undefined;
  }
}

function qualified({ name, schema }: SettingRef): string {
  return schema === undefined ? name : `${quoteIdentifier(schema)}.${name}`;
}
