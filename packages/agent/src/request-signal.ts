// The SDK's HTTP client transports (Streamable HTTP on a 2025-era connection, and HTTP+SSE) hand every POST the
// one AbortSignal that lives as long as the connection. Node's fetch (undici) adds an abort listener to it per
// request and removes it only once that request is garbage-collected, and it sets the signal's listener cap to 1500,
// resetting any higher cap on the next request. A session past a couple of thousand calls then printed a
// MaxListenersExceededWarning per call, and held a listener per call until a GC. Each request gets its own signal
// instead, one that follows the connection's without a listener on it (AbortSignal.any keeps only weak links), as
// the SDK itself does for a 2026-07-28 connection's requests.

/** A fetch that gives each request its own AbortSignal, aborted when (and as) the one it was handed is. */
export function ownSignalPerRequest(next: typeof fetch): typeof fetch {
  return (input, init) => {
    const signal = init?.signal;
    return signal ? next(input, { ...init, signal: AbortSignal.any([signal]) }) : next(input, init);
  };
}
