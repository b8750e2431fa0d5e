// End to end against a live gateway process with payments on (Stripe is the tests' local fake).
// open-sdk/tests/test_typescript.py starts both and sets FMU_GATEWAY_URL, FMU_GATEWAY_E2E_PAY_URL (an
// endpoint that plays Stripe's part: the customer pays, Stripe sends the signed webhook) and
// FMU_GATEWAY_E2E_FMU (an FMU file to upload). Every new account gets a few credits (its pricing file).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { before, describe, it } from "node:test";

import {
  AuthenticationError,
  Gateway,
  InvalidRequestError,
  NotFoundError,
  PaymentRequired,
  type CompletedSimulation,
  type Simulation,
} from "../src/index.js";

const URL_ = process.env.FMU_GATEWAY_URL;
const PAY_URL = process.env.FMU_GATEWAY_E2E_PAY_URL;
const FMU = process.env.FMU_GATEWAY_E2E_FMU;
const skip = URL_ && PAY_URL && FMU ? false : "set FMU_GATEWAY_URL, FMU_GATEWAY_E2E_PAY_URL and FMU_GATEWAY_E2E_FMU";
const ARROW = "application/vnd.apache.arrow.stream";

/** A fetch that records method, path and request body size of everything sent. */
function countingFetch() {
  const sent: Array<[string, string, number]> = [];
  const fetch = async (request: Request) => {
    const size = (await request.clone().arrayBuffer()).byteLength;
    sent.push([request.method, new URL(request.url).pathname, size]);
    return globalThis.fetch(request);
  };
  return { fetch, sent };
}

async function newAccount(name: string, options: { fetch?: (r: Request) => Promise<Response> } = {}) {
  const gw = new Gateway({ url: URL_!, ...options });
  await gw.createKey(name);
  return gw;
}

/** Stripe's part of paying: the customer pays at the checkout URL, Stripe delivers the signed webhook. */
async function pay(sessionId: string): Promise<void> {
  const response = await fetch(`${PAY_URL}/pay/${sessionId}`, { method: "POST" });
  assert.equal(response.status, 204, await response.text());
}

describe("end to end", { skip }, () => {
  let gw: Gateway;
  let ball: CompletedSimulation;

  before(async () => {
    gw = await newAccount("ts-e2e");
    ball = await gw.simulate({
      fmu_id: "lib:BouncingBall",
      stop_time: 3,
      start_values: { e: 0.7 },
      kpis: [{ variable: "h", kind: "max" }],
    });
  });

  it("upload: a new FMU is sent once; the second upload sends no bytes", async () => {
    const counting = countingFetch();
    const mine = await newAccount("ts-e2e-upload", { fetch: counting.fetch });
    const bytes = new Uint8Array(readFileSync(FMU!));
    const first = await mine.upload(bytes, basename(FMU!));
    assert.equal(first.source, "upload");
    assert.equal(first.filename, basename(FMU!));
    const posted = counting.sent.filter(([method, path]) => method === "POST" && path === "/v1/fmus");
    assert.equal(posted.length, 1);
    assert.ok(posted[0]![2] > bytes.length, `${posted[0]![2]} bytes posted for a ${bytes.length} byte FMU`);

    counting.sent.length = 0;
    const second = await mine.upload(new Blob([bytes]), basename(FMU!));
    assert.equal(second.id, first.id);
    assert.deepEqual(counting.sent, [["GET", `/v1/fmus/${first.id}`, 0]]);
  });

  it("simulate lib:BouncingBall: KPIs, provenance and the columns inline", () => {
    assert.equal(ball.status, "succeeded");
    assert.ok(Math.abs(ball.kpis!["max(h)"]! - 1.0) < 1e-6, `max(h) = ${ball.kpis!["max(h)"]}`);
    assert.equal(ball.provenance!["fmu_sha256"], ball.fmu_sha256);
    assert.equal(ball.result.columns[0], "time");
    assert.ok(ball.result.columns.includes("h"));
    const time = ball.result.data["time"]!;
    assert.ok(Math.abs((time.at(-1) as number) - 3) < 1e-9);
    assert.ok((ball.result.data["h"] as number[]).every((h) => h >= -1e-6));
  });

  it("results as JSON columns and as CSV", async () => {
    const result = await gw.result(ball.id);
    assert.equal(result.simulation_id, ball.id);
    assert.deepEqual(result.data, ball.result.data);
    const csv = (await gw.result(ball.id, { format: "csv" })).trimEnd().split(/\r?\n/);
    assert.equal(csv[0], ball.result.columns.join(","));
    assert.equal(csv.length - 1, ball.result.data["time"]!.length);
  });

  it("Arrow when the gateway offers it, else its typed 406", async () => {
    const contract = (await (await fetch(`${URL_}/v1/openapi.json`)).json()) as {
      paths: Record<string, { get: { responses: Record<string, { content: Record<string, unknown> }> } }>;
    };
    const offered = ARROW in contract.paths["/v1/simulations/{simulation_id}/result"]!.get.responses["200"]!.content;
    if (offered) {
      const table = await gw.result(ball.id, { format: "arrow" });
      assert.equal(table.numRows, ball.result.data["time"]!.length);
      assert.deepEqual(Array.from(table.getChild("h")!.toArray()), ball.result.data["h"]);
    } else {
      await assert.rejects(gw.result(ball.id, { format: "arrow" }), (error: unknown) => {
        assert.ok(error instanceof InvalidRequestError);
        assert.equal(error.status, 406);
        assert.equal(error.type, "https://fmu-gateway.dev/problems/not-acceptable");
        assert.ok(error.requestId);
        return true;
      });
    }
  });

  it("a 202 is followed to the end, with progress", async () => {
    const seen: Simulation["status"][] = [];
    const sim = await gw.simulate(
      { fmu_id: "lib:BouncingBall", stop_time: 2, cache: false },
      { waitS: 0, onProgress: (s) => seen.push(s.status) },
    );
    assert.equal(sim.status, "succeeded");
    assert.equal(seen.at(-1), "succeeded");
    assert.ok(seen.slice(0, -1).every((s) => s === "queued" || s === "running"), seen.join(","));
    assert.ok(Math.abs((sim.result.data["time"]!.at(-1) as number) - 2) < 1e-9);
  });

  it("errors are typed by status and problem type", async () => {
    await assert.rejects(gw.simulate({ fmu_id: "0".repeat(64) }), (error: unknown) => {
      assert.ok(error instanceof NotFoundError);
      assert.equal(error.status, 404);
      return true;
    });
    await assert.rejects(gw.simulate({ fmu_id: "lib:BouncingBall", start_values: { nope: 1 } }), (error: unknown) => {
      assert.ok(error instanceof InvalidRequestError);
      assert.equal(error.type, "https://fmu-gateway.dev/problems/invalid-variable");
      assert.equal(error.variable, "nope");
      return true;
    });
    await assert.rejects(new Gateway({ url: URL_!, apiKey: "fmk_live_unknown" }).account(), (error: unknown) => {
      assert.ok(error instanceof AuthenticationError);
      assert.equal(error.type, "https://fmu-gateway.dev/problems/unauthorized");
      return true;
    });
  });

  it("out of credits: a 402 with a checkout link, then paid runs", async () => {
    const agent = await newAccount("ts-e2e-paid");
    const credits = (await agent.account()).balance_credits;
    assert.ok(credits > 0);
    for (let i = 0; i < credits; i++) {
      await agent.simulate({ fmu_id: "lib:BouncingBall", stop_time: 0.5 + i / 100, cache: false });
    }
    assert.equal((await agent.account()).balance_credits, 0);

    // The offer: nothing ran, nothing was debited.
    const request = { fmu_id: "lib:VanDerPol", stop_time: 2 };
    let offer: PaymentRequired | undefined;
    await assert.rejects(agent.simulate(request), (error: unknown) => {
      assert.ok(error instanceof PaymentRequired);
      offer = error;
      return true;
    });
    assert.equal(offer!.status, 402);
    assert.equal(offer!.type, "https://fmu-gateway.dev/problems/payment-required");
    assert.deepEqual([offer!.priceCredits, offer!.balanceCredits], [1, 0]);
    assert.match(offer!.checkoutUrl!, /^https:\/\//);
    assert.match(offer!.sessionId!, /^cs_/);

    // Step by step: pay, wait for the token, run with it; the token pays for one run only.
    await pay(offer!.sessionId!);
    const token = await agent.waitForPayment(offer!.sessionId!, { pollS: 0.2, timeoutS: 30 });
    assert.match(token, /^fpt_/);
    const paid = await agent.simulate(request, { paymentToken: token });
    assert.equal(paid.status, "succeeded");
    assert.equal((await agent.account()).balance_credits, 0);
    await assert.rejects(agent.simulate({ ...request, stop_time: 3 }, { paymentToken: token }), PaymentRequired);

    // payForRun does all of it: the checkout link goes to the payer, the SDK waits and runs.
    const links: string[] = [];
    const again = await agent.payForRun(
      { ...request, stop_time: 4 },
      {
        onCheckout: async (next) => {
          links.push(next.checkoutUrl!);
          await pay(next.sessionId!);
        },
        pollS: 0.2,
        timeoutS: 30,
      },
    );
    assert.equal(again.status, "succeeded");
    assert.equal(links.length, 1);
    assert.match(links[0]!, /^https:\/\//);
    assert.equal((await agent.account()).balance_credits, 0);
  });
});
