/**
 * Typed errors. `errorFromResponse` is the one place where an HTTP answer becomes one of them.
 */
import type { Checkout, Problem, Simulation } from "./types.js";

export const PROBLEM_BASE = "https://fmu-gateway.dev/problems/";

/** Statuses worth another attempt; a 409 only when its problem type says so (see `retryable`). */
const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
/** 409 types that describe a passing state: the same request succeeds once the first one has finished. */
const RETRYABLE_CONFLICTS = new Set([`${PROBLEM_BASE}idempotency-key-in-progress`]);

export interface GatewayErrorInit {
  status?: number | null;
  type?: string | null;
  title?: string | null;
  requestId?: string | null;
  problem?: Problem | null;
  retryAfter?: number | null;
  retryable?: boolean;
  cause?: unknown;
}

/**
 * Base of every error this SDK throws.
 *
 * `status` is the HTTP status (null when no answer came), `type` the problem's stable URI
 * (`https://fmu-gateway.dev/problems/<slug>`; `about:blank` when the answer was not a problem), `title`
 * and `detail` its human text, `requestId` the gateway's X-Request-ID, `problem` the whole RFC 9457
 * body (extra members included), `retryAfter` the Retry-After header in seconds.
 */
export class GatewayError extends Error {
  override name = "GatewayError";
  readonly status: number | null;
  readonly type: string;
  readonly title: string | null;
  readonly detail: string;
  readonly requestId: string | null;
  readonly problem: Problem | null;
  readonly retryAfter: number | null;
  /** The SDK retries this answer (when it has retries left). */
  readonly retryable: boolean;

  constructor(detail: string, init: GatewayErrorInit = {}) {
    const where = init.status ? ` (HTTP ${init.status})` : "";
    const rid = init.requestId ? ` [request ${init.requestId}]` : "";
    super(`${detail}${where}${rid}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.detail = detail;
    this.status = init.status ?? null;
    this.type = init.type ?? "about:blank";
    this.title = init.title ?? null;
    this.requestId = init.requestId ?? null;
    this.problem = init.problem ?? null;
    this.retryAfter = init.retryAfter ?? null;
    this.retryable = init.retryable ?? false;
  }

  /** The last segment of `type`: `payment-required`, `invalid-variable`, ... */
  get slug(): string {
    return this.type.slice(this.type.lastIndexOf("/") + 1);
  }
}

/** No answer from the gateway (network failure, DNS, refused connection), after every retry. */
export class ConnectionError extends GatewayError {
  override name = "ConnectionError";
}

/** 401: missing, unknown or revoked API key. */
export class AuthenticationError extends GatewayError {
  override name = "AuthenticationError";
}

/** 403: not allowed on this resource (e.g. deleting a library model). */
export class PermissionDeniedError extends GatewayError {
  override name = "PermissionDeniedError";
}

/**
 * 402: the run costs more credits than the account has. Nothing ran and nothing was debited.
 *
 * Pay for this one run at `checkoutUrl` (present when the gateway takes payments), get the payment
 * token with `gateway.waitForPayment(sessionId)`, then `simulate(request, { paymentToken })`; or let
 * `gateway.payForRun` do all three.
 */
export class PaymentRequired extends GatewayError {
  override name = "PaymentRequired";

  get priceCredits(): number | null {
    return this.problem?.price_credits ?? null;
  }

  get balanceCredits(): number | null {
    return this.problem?.balance_credits ?? null;
  }

  get currency(): string | null {
    return this.problem?.currency ?? null;
  }

  get checkoutUrl(): string | null {
    return this.problem?.checkout_url ?? null;
  }

  get sessionId(): string | null {
    return this.problem?.session_id ?? null;
  }

  get payPerRunCents(): number | null {
    return this.problem?.pay_per_run_cents ?? null;
  }

  get creditPacks(): NonNullable<Problem["credit_packs"]> {
    return this.problem?.credit_packs ?? [];
  }
}

/** 404: no such FMU, simulation, checkout session or route. */
export class NotFoundError extends GatewayError {
  override name = "NotFoundError";
}

/** 409: the resource is not in a state that allows this (a result not there yet, a run that has ended). */
export class ConflictError extends GatewayError {
  override name = "ConflictError";
}

/** 400, 406, 413, 415, 422 and other 4xx: the request does not fit the contract or the model. */
export class InvalidRequestError extends GatewayError {
  override name = "InvalidRequestError";

  /** The variable a simulation request got wrong (`invalid-variable`). */
  get variable(): string | null {
    return this.problem?.variable ?? null;
  }

  /** Field-level errors of a malformed request. */
  get errors(): NonNullable<Problem["errors"]> {
    return this.problem?.errors ?? [];
  }
}

/** 429: over the tier's request rate; retried after `retryAfter` seconds, thrown when retries run out. */
export class RateLimitError extends GatewayError {
  override name = "RateLimitError";
}

/** 5xx (and 408): the gateway failed or timed out; retried first. */
export class ServerError extends GatewayError {
  override name = "ServerError";
}

/** The simulation ran but did not succeed (model error, crash, timeout, cancelled); `simulation` has it all. */
export class SimulationFailed extends GatewayError {
  override name = "SimulationFailed";
  readonly simulation: Simulation;

  constructor(simulation: Simulation) {
    const error = simulation.error;
    super(`simulation ${simulation.id} ${simulation.status}: ${error?.detail ?? "no detail"}`, {
      type: PROBLEM_BASE + (error?.type ?? `simulation-${simulation.status}`),
    });
    this.simulation = simulation;
  }
}

/** `waitForPayment` gave up: the session was not paid in time, expired, or its token was redeemed. */
export class PaymentNotCompleted extends GatewayError {
  override name = "PaymentNotCompleted";
  readonly checkout: Checkout;

  constructor(detail: string, checkout: Checkout) {
    super(detail, { type: `${PROBLEM_BASE}payment-not-completed` });
    this.checkout = checkout;
  }
}

/**
 * The typed error for an error answer: problem+json from the gateway, or anything a proxy may send.
 * The body is read here, so call it at most once per response.
 */
export async function errorFromResponse(response: Response): Promise<GatewayError> {
  const status = response.status;
  const text = await response.text().catch(() => "");
  let problem: Problem | null = null;
  try {
    const parsed: unknown = text ? JSON.parse(text) : null;
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) problem = parsed as Problem;
  } catch {
    problem = null;
  }
  const type = typeof problem?.type === "string" ? problem.type : "about:blank";
  const title = typeof problem?.title === "string" ? problem.title : null;
  const detail =
    (typeof problem?.detail === "string" && problem.detail) || title || text.trim().slice(0, 500) || `HTTP ${status}`;
  const init: GatewayErrorInit = {
    status,
    type,
    title,
    problem,
    requestId: response.headers.get("X-Request-ID"),
    retryAfter: parseRetryAfter(response.headers.get("Retry-After")),
    retryable: RETRY_STATUSES.has(status) || (status === 409 && RETRYABLE_CONFLICTS.has(type)),
  };
  switch (status) {
    case 401:
      return new AuthenticationError(detail, init);
    case 402:
      return new PaymentRequired(detail, init);
    case 403:
      return new PermissionDeniedError(detail, init);
    case 404:
      return new NotFoundError(detail, init);
    case 408:
      return new ServerError(detail, init);
    case 409:
      return new ConflictError(detail, init);
    case 429:
      return new RateLimitError(detail, init);
    default:
      return status >= 500 ? new ServerError(detail, init) : new InvalidRequestError(detail, init);
  }
}

/** Retry-After in seconds (delta-seconds or an HTTP date), or null. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null || value.trim() === "") return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(seconds, 0);
  const when = Date.parse(value);
  return Number.isNaN(when) ? null : Math.max((when - now) / 1000, 0);
}
