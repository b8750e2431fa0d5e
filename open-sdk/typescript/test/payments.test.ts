// The 402 flow: the offer, waiting for the payment token, and payForRun doing all of it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { PaymentNotCompleted, PaymentRequired, type Checkout } from "../src/index.js";
import { json, mockGateway, problem, RESULT_DATA, simulation } from "./helpers.js";

const SESSION = "cs_test_1";
const OFFER = {
  price_credits: 1,
  balance_credits: 0,
  currency: "usd",
  checkout_url: `https://checkout.stripe.test/pay/${SESSION}`,
  session_id: SESSION,
};

function checkout(overrides: Partial<Checkout> = {}): Checkout {
  return {
    session_id: SESSION,
    kind: "run",
    pack_id: null,
    credits: 0,
    amount_cents: 25,
    currency: "usd",
    status: "open",
    payment_status: "unpaid",
    checkout_url: OFFER.checkout_url,
    created_at: "2026-11-28T10:00:00Z",
    paid_at: null,
    payment_token: null,
    payment_token_expires_at: null,
    payment_token_redeemed: false,
    ...overrides,
  };
}

const paid = checkout({ status: "complete", payment_status: "paid", paid_at: "2026-11-28T10:01:00Z", payment_token: "fpt_1" });

describe("waitForPayment", () => {
  it("polls the checkout session until it carries the payment token", async () => {
    const states = [checkout(), checkout(), paid];
    const { gw, requests, sleeps } = mockGateway(() => json(200, states.shift()));
    assert.equal(await gw.waitForPayment(SESSION, { pollS: 0.5 }), "fpt_1");
    assert.deepEqual(
      requests.map((r) => `${r.method} ${r.path}`),
      Array(3).fill(`GET /v1/payments/checkout/${SESSION}`),
    );
    assert.deepEqual(sleeps, [500, 500]);
  });

  it("gives up when time runs out, with the last state of the session", async () => {
    const { gw } = mockGateway(() => json(200, checkout()));
    await assert.rejects(gw.waitForPayment(SESSION, { timeoutS: 0 }), (error: unknown) => {
      assert.ok(error instanceof PaymentNotCompleted);
      assert.equal(error.checkout.payment_status, "unpaid");
      assert.match(error.message, /was not paid in time/);
      return true;
    });
  });

  it("stops at once for a redeemed token, an expired session or a credit pack", async () => {
    for (const [state, reason] of [
      [checkout({ payment_token_redeemed: true, paid_at: "2026-11-28T10:01:00Z" }), /redeemed already/],
      [checkout({ status: "expired" }), /expired/],
      [checkout({ kind: "pack", pack_id: "pack_100" }), /credit pack/],
    ] as const) {
      const { gw, requests } = mockGateway(() => json(200, state));
      await assert.rejects(gw.waitForPayment(SESSION), reason);
      assert.equal(requests.length, 1);
    }
  });
});

describe("payForRun", () => {
  const REQUEST = { fmu_id: "lib:VanDerPol", stop_time: 2 };

  it("runs on credits when they suffice, without a checkout", async () => {
    const { gw } = mockGateway(() => json(200, simulation({ result: RESULT_DATA })));
    const sim = await gw.payForRun(REQUEST, { onCheckout: () => assert.fail("no checkout expected") });
    assert.equal(sim.status, "succeeded");
  });

  it("402 -> the checkout link to the payer -> the token -> the paid run", async () => {
    const polls = [checkout(), paid];
    const { gw, requests } = mockGateway((r) => {
      if (r.path === "/v1/simulations") {
        return r.headers.get("Payment-Token") === "fpt_1"
          ? json(200, simulation({ result: RESULT_DATA }))
          : problem(402, "payment-required", "this run costs 1 credits", OFFER);
      }
      return json(200, polls.shift());
    });
    const offers: PaymentRequired[] = [];
    const sim = await gw.payForRun(REQUEST, { onCheckout: (offer) => void offers.push(offer), pollS: 1 });
    assert.equal(sim.status, "succeeded");
    assert.deepEqual(
      offers.map((o) => [o.checkoutUrl, o.sessionId, o.priceCredits]),
      [[OFFER.checkout_url, SESSION, 1]],
    );
    assert.deepEqual(
      requests.map((r) => `${r.method} ${r.path} ${r.headers.get("Payment-Token")}`),
      [
        "POST /v1/simulations null",
        `GET /v1/payments/checkout/${SESSION} null`,
        `GET /v1/payments/checkout/${SESSION} null`,
        "POST /v1/simulations fpt_1",
      ],
    );
    const [unpaid, paidRun] = [requests[0]!, requests[3]!];
    assert.notEqual(paidRun.headers.get("Idempotency-Key"), unpaid.headers.get("Idempotency-Key"));
  });

  it("a 402 without a checkout link (the gateway takes no payments) is thrown as it is", async () => {
    const { gw } = mockGateway(() => problem(402, "payment-required", "no credits", { price_credits: 1, balance_credits: 0 }));
    await assert.rejects(
      gw.payForRun(REQUEST, { onCheckout: () => assert.fail("no checkout to show") }),
      (error: unknown) => error instanceof PaymentRequired && error.checkoutUrl === null,
    );
  });
});
