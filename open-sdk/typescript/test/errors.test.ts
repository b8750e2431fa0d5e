// errorFromResponse: one function maps every error answer to its typed class with the problem's fields.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { errorFromResponse, parseRetryAfter } from "../src/errors.js";
import {
  AuthenticationError,
  ConflictError,
  GatewayError,
  InvalidRequestError,
  NotFoundError,
  PaymentRequired,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
} from "../src/index.js";
import { problem } from "./helpers.js";

describe("errorFromResponse", () => {
  it("maps each status to its class", async () => {
    const cases: Array<[number, string, new (...args: never[]) => GatewayError]> = [
      [400, "bad-request", InvalidRequestError],
      [401, "unauthorized", AuthenticationError],
      [402, "payment-required", PaymentRequired],
      [403, "forbidden", PermissionDeniedError],
      [404, "not-found", NotFoundError],
      [406, "not-acceptable", InvalidRequestError],
      [408, "request-timeout", ServerError],
      [409, "conflict", ConflictError],
      [413, "payload-too-large", InvalidRequestError],
      [415, "unsupported-media-type", InvalidRequestError],
      [422, "invalid-request", InvalidRequestError],
      [429, "rate-limited", RateLimitError],
      [500, "internal", ServerError],
      [503, "service-unavailable", ServerError],
    ];
    for (const [status, slug, cls] of cases) {
      const error = await errorFromResponse(problem(status, slug, `detail ${status}`));
      assert.equal(error.constructor, cls, `HTTP ${status}`);
      assert.equal(error.status, status);
      assert.equal(error.slug, slug);
      assert.equal(error.name, cls.name);
    }
  });

  it("carries the whole problem, its request id and a readable message", async () => {
    const error = await errorFromResponse(
      problem(422, "invalid-variable", "no variable 'x' in the model", { variable: "x" }, { "X-Request-ID": "req_1" }),
    );
    assert.ok(error instanceof InvalidRequestError);
    assert.equal(error.type, "https://fmu-gateway.dev/problems/invalid-variable");
    assert.equal(error.title, "invalid-variable");
    assert.equal(error.detail, "no variable 'x' in the model");
    assert.equal(error.requestId, "req_1");
    assert.equal(error.variable, "x");
    assert.equal(error.problem?.["variable"], "x");
    assert.equal(error.message, "no variable 'x' in the model (HTTP 422) [request req_1]");
    assert.equal(error.retryable, false);
  });

  it("gives the 402 offer: price, balance, checkout link and session", async () => {
    const error = await errorFromResponse(
      problem(402, "payment-required", "this run costs 1 credits", {
        price_credits: 1,
        balance_credits: 0,
        currency: "usd",
        pay_per_run_cents: 25,
        checkout_url: "https://checkout.stripe.test/pay/cs_test_1",
        session_id: "cs_test_1",
        credit_packs: [{ id: "pack_100", credits: 100, price_cents: 1000 }],
      }),
    );
    assert.ok(error instanceof PaymentRequired);
    assert.deepEqual(
      [error.priceCredits, error.balanceCredits, error.currency, error.payPerRunCents],
      [1, 0, "usd", 25],
    );
    assert.equal(error.checkoutUrl, "https://checkout.stripe.test/pay/cs_test_1");
    assert.equal(error.sessionId, "cs_test_1");
    assert.deepEqual(error.creditPacks, [{ id: "pack_100", credits: 100, price_cents: 1000 }]);
  });

  it("a 402 from a gateway without payments has no checkout", async () => {
    const error = await errorFromResponse(problem(402, "payment-required", "no credits", { price_credits: 1 }));
    assert.ok(error instanceof PaymentRequired);
    assert.equal(error.checkoutUrl, null);
    assert.equal(error.sessionId, null);
  });

  it("reads Retry-After on a 429", async () => {
    const error = await errorFromResponse(problem(429, "rate-limited", "slow down", {}, { "Retry-After": "7" }));
    assert.ok(error instanceof RateLimitError);
    assert.equal(error.retryAfter, 7);
    assert.equal(error.retryable, true);
  });

  it("retries a 409 only while the first request under the key is in progress", async () => {
    const inProgress = await errorFromResponse(problem(409, "idempotency-key-in-progress", "retry shortly"));
    const ended = await errorFromResponse(problem(409, "simulation-ended", "already ended"));
    assert.ok(inProgress instanceof ConflictError);
    assert.ok(ended instanceof ConflictError);
    assert.equal(inProgress.retryable, true);
    assert.equal(ended.retryable, false);
  });

  it("an answer that is not a problem (a proxy's HTML page) keeps its status and text", async () => {
    const error = await errorFromResponse(new Response("<h1>Bad gateway</h1>", { status: 502 }));
    assert.ok(error instanceof ServerError);
    assert.equal(error.type, "about:blank");
    assert.equal(error.detail, "<h1>Bad gateway</h1>");
    assert.equal(error.problem, null);
    assert.equal(error.retryable, true);
  });

  it("an empty answer still says its status", async () => {
    const error = await errorFromResponse(new Response(null, { status: 404 }));
    assert.ok(error instanceof NotFoundError);
    assert.equal(error.detail, "HTTP 404");
  });
});

describe("parseRetryAfter", () => {
  it("takes seconds or an HTTP date", () => {
    const now = Date.parse("Sat, 28 Nov 2026 10:00:00 GMT");
    assert.equal(parseRetryAfter("3", now), 3);
    assert.equal(parseRetryAfter("Sat, 28 Nov 2026 10:00:05 GMT", now), 5);
    assert.equal(parseRetryAfter("Sat, 28 Nov 2026 09:00:00 GMT", now), 0);
    assert.equal(parseRetryAfter("soon", now), null);
    assert.equal(parseRetryAfter(null, now), null);
  });
});
