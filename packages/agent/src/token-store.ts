import { createHash, randomBytes } from "node:crypto";
import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeDirs } from "@mcp-toolkit/core";
import type { StoredOAuthClientInformation, StoredOAuthTokens } from "@modelcontextprotocol/client";
import { withFileLock } from "./file-lock.js";

export { loginDirectory } from "./login-directory.js";

/** What the agent keeps for one server URL: the client it registered (or was given) and the tokens it holds. */
export interface StoredLogin {
  serverUrl: string;
  client?: StoredOAuthClientInformation | undefined;
  tokens?: StoredOAuthTokens | undefined;
  /** When the tokens were saved (ms since the epoch), so `expires_in` can be read as a time. */
  savedAt?: number | undefined;
}

/**
 * OAuth logins on disk, one file per server URL (named by its hash, the URL inside), readable by this user only:
 * the folder is 0700 and each file 0600, written whole to a temporary file and renamed, so a crash mid-write never
 * leaves half a token file.
 */
export class TokenStore {
  constructor(readonly directory: string) {}

  /** The file that holds the login for a server URL. */
  fileFor(serverUrl: string): string {
    const key = createHash("sha256").update(serverUrl).digest("hex").slice(0, 32);
    return join(this.directory, `${key}.json`);
  }

  /** The stored login, or an empty one when there is none (or the file is unreadable: log in again). */
  read(serverUrl: string): StoredLogin {
    try {
      const data = JSON.parse(readFileSync(this.fileFor(serverUrl), "utf8")) as StoredLogin;
      if (data?.serverUrl === serverUrl) return data;
    } catch {
      // No file yet, or a damaged one: either way there is no usable login.
    }
    return { serverUrl };
  }

  /**
   * Change the stored login. Not locked across processes (only refreshes are, whileRefreshing): two sessions may
   * read, change and write at once, and the last rename wins; the atomic rename only keeps every read whole.
   */
  update(serverUrl: string, change: (login: StoredLogin) => StoredLogin): StoredLogin {
    const next = change(this.read(serverUrl));
    makeDirs(this.directory, 0o700);
    // mkdir's mode does not apply to a folder that already existed, nor to the parents it made.
    chmodSync(this.directory, 0o700);
    const file = this.fileFor(serverUrl);
    const temporary = `${file}.${randomBytes(6).toString("hex")}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, file);
    return next;
  }

  /**
   * Run a token refresh for a server URL alone among this user's sessions: a refresh token used twice makes a
   * provider with reuse detection revoke the whole grant, so a second session waits for the first and then takes the
   * tokens it stored. The lock is a file beside the login's (`<hash>.json.lock`).
   */
  whileRefreshing<T>(serverUrl: string, refresh: () => Promise<T>, onTimeout?: () => void): Promise<T> {
    makeDirs(this.directory, 0o700);
    return withFileLock(`${this.fileFor(serverUrl)}.lock`, refresh, onTimeout ? { onTimeout } : {});
  }

  /** Forget a server's login; true when there was one. */
  remove(serverUrl: string): boolean {
    const file = this.fileFor(serverUrl);
    const existed = this.read(serverUrl).tokens !== undefined || this.read(serverUrl).client !== undefined;
    rmSync(file, { force: true });
    return existed;
  }
}
