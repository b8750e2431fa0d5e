/**
 * The one request loop: every call of the SDK goes through `retryingFetch`, which retries with backoff
 * and turns every failure into a typed error. Web APIs only (fetch, Web Crypto): no Node modules.
 */
import { ConnectionError, errorFromResponse } from "./errors.js";

export type Fetch = (request: Request) => Promise<Response>;
export type Sleep = (ms: number) => Promise<void>;

export const INITIAL_BACKOFF_MS = 500;
export const MAX_BACKOFF_MS = 8_000;
export const MAX_RETRY_AFTER_MS = 60_000;

export const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RetryOptions {
  fetch: Fetch;
  maxRetries: number;
  sleep: Sleep;
}

/**
 * A fetch that returns only 1xx-3xx answers. Connection failures and retryable answers (408, 429, 5xx,
 * and 409s whose type says the first request is still in progress) are tried again up to `maxRetries`
 * times, after the gateway's Retry-After or an exponential backoff with jitter; anything else becomes
 * a `GatewayError` subclass. Each attempt sends a clone of the same Request, so its headers, among them
 * the Idempotency-Key, are the same every time: a retried simulation is charged once.
 */
export function retryingFetch(options: RetryOptions): Fetch {
  return async (request) => {
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await options.fetch(request.clone());
      } catch (cause) {
        if (isAbort(cause)) throw cause;
        if (attempt >= options.maxRetries) {
          const reason = cause instanceof Error ? cause.message : String(cause);
          throw new ConnectionError(`cannot reach the gateway at ${new URL(request.url).origin}: ${reason}`, {
            cause,
          });
        }
        await options.sleep(backoffMs(attempt, null));
        continue;
      }
      if (response.status < 400) return response;
      const error = await errorFromResponse(response);
      if (!error.retryable || attempt >= options.maxRetries) throw error;
      await options.sleep(backoffMs(attempt, error.retryAfter));
    }
  };
}

/** How long to wait before retry number `attempt + 1`: the gateway's Retry-After when it sent one. */
export function backoffMs(attempt: number, retryAfterS: number | null): number {
  if (retryAfterS !== null) return Math.min(retryAfterS * 1000, MAX_RETRY_AFTER_MS);
  const base = Math.min(INITIAL_BACKOFF_MS * 2 ** attempt, MAX_BACKOFF_MS);
  return base * (0.75 + Math.random() * 0.25);
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === "AbortError";
}

/** A random UUID (v4) from crypto.getRandomValues, which, unlike randomUUID, also exists outside secure contexts. */
export function uuid4(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The lowercase hex sha256 of `bytes` (Web Crypto; in browsers it needs a secure context). */
export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (x) => x.toString(16).padStart(2, "0")).join("");
}
