// The Gateway against a mock fetch: configuration, keys, upload dedup, following a 202, results.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { afterEach, describe, it } from "node:test";

import { tableFromArrays, tableToIPC } from "apache-arrow";

import {
  AuthenticationError,
  Gateway,
  GatewayError,
  InvalidRequestError,
  NotFoundError,
  SimulationFailed,
  type Simulation,
} from "../src/index.js";
import { json, mockGateway, problem, RESULT_DATA, SIM_ID, simulation, text } from "./helpers.js";

const ARROW = "application/vnd.apache.arrow.stream";

describe("configuration", () => {
  const saved = { url: process.env.FMU_GATEWAY_URL, key: process.env.FMU_GATEWAY_API_KEY };
  afterEach(() => {
    for (const [name, value] of [
      ["FMU_GATEWAY_URL", saved.url],
      ["FMU_GATEWAY_API_KEY", saved.key],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it("reads FMU_GATEWAY_URL and FMU_GATEWAY_API_KEY; explicit options win", () => {
    process.env.FMU_GATEWAY_URL = "https://env.example/";
    process.env.FMU_GATEWAY_API_KEY = "fmk_live_env";
    const fromEnv = new Gateway();
    assert.equal(fromEnv.url, "https://env.example");
    assert.equal(fromEnv.apiKey, "fmk_live_env");
    const explicit = new Gateway({ url: "https://mine.example", apiKey: "fmk_live_mine" });
    assert.deepEqual([explicit.url, explicit.apiKey], ["https://mine.example", "fmk_live_mine"]);
  });

  it("defaults to a local gateway without a key", () => {
    delete process.env.FMU_GATEWAY_URL;
    delete process.env.FMU_GATEWAY_API_KEY;
    const gw = new Gateway();
    assert.deepEqual([gw.url, gw.apiKey], ["http://127.0.0.1:8000", null]);
  });
});

describe("keys and authentication", () => {
  const created = {
    account_id: "acc_1",
    key_id: `key_${"0".repeat(32)}`,
    api_key: "fmk_live_new",
    prefix: "fmk_live_new",
    name: "ci",
    created_at: "2026-11-28T10:00:00Z",
  };

  it("createKey without a key makes an account and adopts its key", async () => {
    const { gw, requests } = mockGateway(
      (r) => (r.path === "/v1/keys" ? json(201, created) : json(200, { items: [] })),
      { apiKey: undefined },
    );
    assert.equal(gw.apiKey, null);
    const key = await gw.createKey("ci");
    assert.equal(key.api_key, "fmk_live_new");
    assert.equal(requests[0]!.headers.get("Authorization"), null);
    assert.deepEqual(JSON.parse(text(requests[0]!.body)), { name: "ci" });
    assert.equal(gw.apiKey, "fmk_live_new");
    await gw.library();
    assert.equal(requests[1]!.headers.get("Authorization"), "Bearer fmk_live_new");
  });

  it("createKey with a key adds one to the account and keeps the Gateway's", async () => {
    const { gw, requests } = mockGateway(() => json(201, created));
    await gw.createKey();
    assert.equal(requests[0]!.headers.get("Authorization"), "Bearer fmk_live_test");
    assert.equal(gw.apiKey, "fmk_live_test");
  });

  it("a refused key is an AuthenticationError", async () => {
    const { gw } = mockGateway(() => problem(401, "unauthorized", "unknown API key"));
    await assert.rejects(gw.account(), AuthenticationError);
  });
});

describe("upload", () => {
  const bytes = new TextEncoder().encode("PK\u0003\u0004 not really an FMU, but bytes with a known hash");
  const sha = createHash("sha256").update(bytes).digest("hex");
  const fmu = (source: "upload" | "library" = "upload") => ({ id: sha, sha256: sha, source, filename: "m.fmu" });

  it("asks by sha256 first and sends no bytes for an FMU the gateway has", async () => {
    const { gw, requests } = mockGateway(() => json(200, fmu()));
    const got = await gw.upload(bytes, "m.fmu");
    assert.equal(got.id, sha);
    assert.deepEqual(
      requests.map((r) => [r.method, r.path, r.body.length]),
      [["GET", `/v1/fmus/${sha}`, 0]],
    );
  });

  it("uploads a new FMU as multipart with its file name", async () => {
    const { gw, requests } = mockGateway((r) =>
      r.method === "GET" ? problem(404, "not-found", "no such FMU") : json(201, fmu()),
    );
    await gw.upload(new Blob([bytes]), "model.fmu");
    assert.deepEqual(
      requests.map((r) => [r.method, r.path]),
      [
        ["GET", `/v1/fmus/${sha}`],
        ["POST", "/v1/fmus"],
      ],
    );
    const post = requests[1]!;
    assert.match(post.headers.get("Content-Type")!, /^multipart\/form-data; boundary=/);
    const form = await new Response(post.body, { headers: post.headers }).formData();
    const file = form.get("file");
    assert.ok(file instanceof Blob);
    assert.equal((file as File).name, "model.fmu");
    assert.deepEqual(new Uint8Array(await file.arrayBuffer()), bytes);
  });

  it("other errors of the lookup are not taken for 'unknown'", async () => {
    const { gw, requests } = mockGateway(() => problem(401, "unauthorized", "no key"));
    await assert.rejects(gw.upload(bytes, "m.fmu"), AuthenticationError);
    assert.equal(requests.length, 1);
  });
});

describe("simulate", () => {
  it("returns the inline result of a 200 and sends the request as given", async () => {
    const { gw, requests } = mockGateway(() => json(200, simulation({ result: RESULT_DATA })));
    const seen: string[] = [];
    const sim = await gw.simulate(
      { fmu_id: "lib:BouncingBall", stop_time: 3, start_values: { e: 0.7 }, kpis: [{ variable: "h", kind: "max" }] },
      { onProgress: (s) => seen.push(s.status), waitS: 5, paymentToken: "fpt_1" },
    );
    assert.deepEqual(sim.result, RESULT_DATA);
    assert.deepEqual(seen, ["succeeded"]);
    assert.equal(requests.length, 1);
    assert.deepEqual(JSON.parse(text(requests[0]!.body)), {
      fmu_id: "lib:BouncingBall",
      stop_time: 3,
      start_values: { e: 0.7 },
      kpis: [{ variable: "h", kind: "max" }],
      wait_s: 5,
    });
    assert.equal(requests[0]!.headers.get("Payment-Token"), "fpt_1");
    assert.equal(requests[0]!.headers.get("Content-Type"), "application/json");
  });

  it("follows a 202: polls until the run ends, reports progress, fetches the result", async () => {
    const states: Simulation[] = [
      simulation({ status: "running", progress: 0.25 }),
      simulation({ status: "running", progress: 0.75 }),
      simulation({ status: "succeeded", progress: 1, result_url: `/v1/simulations/${SIM_ID}/result` }),
    ];
    const { gw, requests, sleeps } = mockGateway((r) => {
      if (r.method === "POST") return json(202, simulation({ status: "queued" }), { Location: `/v1/simulations/${SIM_ID}` });
      if (r.path.endsWith("/result")) return json(200, { simulation_id: SIM_ID, ...RESULT_DATA });
      return json(200, states.shift());
    });
    const seen: Array<[string, number | null | undefined]> = [];
    const sim = await gw.simulate({ fmu_id: "lib:BouncingBall" }, { onProgress: (s) => seen.push([s.status, s.progress]) });
    assert.deepEqual(seen, [
      ["queued", null],
      ["running", 0.25],
      ["running", 0.75],
      ["succeeded", 1],
    ]);
    assert.deepEqual(sim.result, RESULT_DATA);
    assert.deepEqual(
      requests.map((r) => `${r.method} ${r.path}${r.search}`),
      [
        "POST /v1/simulations",
        `GET /v1/simulations/${SIM_ID}`,
        `GET /v1/simulations/${SIM_ID}`,
        `GET /v1/simulations/${SIM_ID}`,
        `GET /v1/simulations/${SIM_ID}/result`,
      ],
    );
    assert.deepEqual(sleeps, [100, 150, 225]);
  });

  it("a run that failed is a SimulationFailed carrying the simulation", async () => {
    const failed = simulation({ status: "failed", error: { type: "model-crashed", detail: "segfault in fmi3DoStep" } });
    const { gw } = mockGateway(() => json(200, failed));
    await assert.rejects(gw.simulate({ fmu_id: "lib:BouncingBall" }), (error: unknown) => {
      assert.ok(error instanceof SimulationFailed);
      assert.equal(error.type, "https://fmu-gateway.dev/problems/model-crashed");
      assert.equal(error.simulation.status, "failed");
      assert.match(error.message, /segfault in fmi3DoStep/);
      return true;
    });
  });

  it("cancel, simulation, quote, account and library call their operations", async () => {
    const { gw, requests } = mockGateway((r) => {
      switch (`${r.method} ${r.path}`) {
        case `DELETE /v1/simulations/${SIM_ID}`:
          return json(202, simulation({ status: "cancelled" }));
        case `GET /v1/simulations/${SIM_ID}`:
          return json(200, simulation({ status: "running" }));
        case "POST /v1/quotes":
          return json(200, { price_credits: 1, balance_credits: 3, tier: "free", billing: "prepaid", currency: "usd", cached: false, sufficient: true });
        case "GET /v1/account":
          return json(200, { account_id: "acc_1", balance_credits: 3 });
        case "GET /v1/library":
          return json(200, { items: [{ id: "lib:BouncingBall" }] });
        default:
          return problem(404, "not-found", r.path);
      }
    });
    assert.equal((await gw.cancel(SIM_ID)).status, "cancelled");
    assert.equal((await gw.simulation(SIM_ID)).status, "running");
    assert.equal((await gw.quote({ fmu_id: "lib:BouncingBall" })).sufficient, true);
    assert.equal((await gw.account()).balance_credits, 3);
    assert.deepEqual((await gw.library("bouncing ball")).map((m) => m.id), ["lib:BouncingBall"]);
    assert.equal(requests.at(-1)!.search, "?query=bouncing%20ball");
    await assert.rejects(gw.simulation(`sim_${"f".repeat(32)}`), NotFoundError);
  });
});

describe("results", () => {
  it("JSON columns by default, CSV as text", async () => {
    const csv = "time,h\n0,1\n0.5,0.8\n1,0.2\n";
    const { gw, requests } = mockGateway((r) =>
      r.search === "?format=csv"
        ? new Response(csv, { headers: { "Content-Type": "text/csv; charset=utf-8" } })
        : json(200, { simulation_id: SIM_ID, ...RESULT_DATA }),
    );
    const result = await gw.result(SIM_ID);
    assert.deepEqual(result.columns, ["time", "h"]);
    assert.deepEqual(result.data["h"], [1, 0.8, 0.2]);
    assert.equal(await gw.result(SIM_ID, { format: "csv" }), csv);
    assert.deepEqual(
      requests.map((r) => r.search),
      ["", "?format=csv"],
    );
  });

  it("Arrow: asks for the IPC stream and reads it with apache-arrow", async () => {
    // A recorded Arrow IPC stream, as a gateway offering Arrow would send it.
    const recorded = new Uint8Array(tableToIPC(
      tableFromArrays({ time: Float64Array.from([0, 0.5, 1]), h: Float64Array.from([1, 0.8, 0.2]) }),
      "stream",
    ));
    const { gw, requests } = mockGateway(() => new Response(recorded, { headers: { "Content-Type": ARROW } }));
    const table = await gw.result(SIM_ID, { format: "arrow" });
    assert.equal(requests[0]!.headers.get("Accept"), ARROW);
    assert.equal(requests[0]!.search, "");
    assert.deepEqual(table.schema.fields.map((f) => f.name), ["time", "h"]);
    assert.equal(table.numRows, 3);
    assert.deepEqual(Array.from(table.getChild("h")!.toArray() as Float64Array), [1, 0.8, 0.2]);
  });

  it("Arrow from a gateway that does not offer it: its 406, typed", async () => {
    const { gw } = mockGateway(() =>
      problem(406, "not-acceptable", "the result is available as application/json or text/csv"),
    );
    await assert.rejects(
      gw.result(SIM_ID, { format: "arrow" }),
      (error: unknown) => error instanceof InvalidRequestError && error.status === 406 && error.slug === "not-acceptable",
    );
  });

  it("Arrow asked, something else answered: an error, not a garbled table", async () => {
    const { gw } = mockGateway(() => json(200, { simulation_id: SIM_ID, ...RESULT_DATA }));
    await assert.rejects(
      gw.result(SIM_ID, { format: "arrow" }),
      (error: unknown) => error instanceof GatewayError && /answered application\/json/.test(error.message),
    );
  });
});
