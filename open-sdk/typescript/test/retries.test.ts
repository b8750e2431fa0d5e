// The request loop: what is retried, how long it waits, and that a retried simulation keeps its key.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { ConflictError, ConnectionError, PaymentRequired, RateLimitError, ServerError } from "../src/index.js";
import { json, mockGateway, problem, RESULT_DATA, sequence, simulation } from "./helpers.js";

const REQUEST = { fmu_id: "lib:BouncingBall", stop_time: 1 };
const succeeded = () => json(200, simulation({ result: RESULT_DATA }));

describe("retries", () => {
  it("a 503 is retried with the same Idempotency-Key and body (the gateway charges a key once)", async () => {
    const { gw, requests } = mockGateway(sequence(() => problem(503, "service-unavailable", "busy"), succeeded));
    const sim = await gw.simulate(REQUEST);
    assert.equal(sim.status, "succeeded");
    assert.equal(requests.length, 2);
    const keys = requests.map((r) => r.headers.get("Idempotency-Key"));
    assert.match(keys[0]!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(keys[1], keys[0]);
    assert.deepEqual(
      requests.map((r) => JSON.parse(new TextDecoder().decode(r.body))),
      [REQUEST, REQUEST],
    );
  });

  it("each logical call gets its own key; a caller's key is used as given", async () => {
    const { gw, requests } = mockGateway(succeeded);
    await gw.simulate(REQUEST);
    await gw.simulate(REQUEST);
    await gw.simulate(REQUEST, { idempotencyKey: "mine-1" });
    const [a, b, c] = requests.map((r) => r.headers.get("Idempotency-Key"));
    assert.notEqual(a, b);
    assert.equal(c, "mine-1");
  });

  it("waits as long as Retry-After says on a 429", async () => {
    const limited = () => problem(429, "rate-limited", "slow down", {}, { "Retry-After": "3" });
    const { gw, sleeps } = mockGateway(sequence(limited, succeeded));
    await gw.simulate(REQUEST);
    assert.deepEqual(sleeps, [3000]);
  });

  it("backs off exponentially without Retry-After, and gives up after maxRetries", async () => {
    const { gw, requests, sleeps } = mockGateway(() => problem(500, "internal", "boom"), { maxRetries: 3 });
    await assert.rejects(gw.account(), (error: unknown) => error instanceof ServerError && error.status === 500);
    assert.equal(requests.length, 4);
    assert.equal(sleeps.length, 3);
    sleeps.forEach((ms, attempt) => {
      const base = 500 * 2 ** attempt;
      assert.ok(ms >= base * 0.75 && ms <= base, `${ms} ms for attempt ${attempt}`);
    });
  });

  it("a 429 that persists becomes a RateLimitError with its retryAfter", async () => {
    const { gw, requests } = mockGateway(() => problem(429, "rate-limited", "slow", {}, { "Retry-After": "1" }), {
      maxRetries: 1,
    });
    await assert.rejects(gw.account(), (error: unknown) => error instanceof RateLimitError && error.retryAfter === 1);
    assert.equal(requests.length, 2);
  });

  it("retries a 409 idempotency-key-in-progress, never another 409", async () => {
    const inProgress = () => problem(409, "idempotency-key-in-progress", "retry shortly", {}, { "Retry-After": "1" });
    const first = mockGateway(sequence(inProgress, succeeded));
    await first.gw.simulate(REQUEST);
    assert.equal(first.requests.length, 2);
    assert.deepEqual(first.sleeps, [1000]);

    const second = mockGateway(() => problem(409, "simulation-ended", "it has ended"));
    await assert.rejects(second.gw.cancel(simulation().id), (error: unknown) => error instanceof ConflictError);
    assert.equal(second.requests.length, 1);
  });

  it("never retries a 402", async () => {
    const { gw, requests } = mockGateway(() => problem(402, "payment-required", "no credits", { price_credits: 1 }));
    await assert.rejects(gw.simulate(REQUEST), PaymentRequired);
    assert.equal(requests.length, 1);
  });

  it("a connection failure is retried, then thrown as ConnectionError with its cause", async () => {
    let calls = 0;
    const { gw } = mockGateway(() => {
      calls++;
      throw new TypeError("fetch failed");
    });
    await assert.rejects(gw.account(), (error: unknown) => {
      assert.ok(error instanceof ConnectionError);
      assert.equal(error.status, null);
      assert.match(error.message, /cannot reach the gateway at https:\/\/gateway\.example: fetch failed/);
      assert.ok(error.cause instanceof TypeError);
      return true;
    });
    assert.equal(calls, 3);
  });

  it("an aborted request is not retried", async () => {
    let calls = 0;
    const { gw } = mockGateway(() => {
      calls++;
      throw new DOMException("aborted", "AbortError");
    });
    await assert.rejects(gw.account(), { name: "AbortError" });
    assert.equal(calls, 1);
  });
});
