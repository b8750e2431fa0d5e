/**
 * `Gateway`: the high-level client. Requests are built and typed by openapi-fetch from the generated
 * `paths`; they are sent through `retryingFetch` (http.ts), so authentication, retries and error
 * translation happen in one place for every operation.
 */
import createClient, { type Client } from "openapi-fetch";
import type { Table } from "apache-arrow";

import { NotFoundError, PaymentNotCompleted, PaymentRequired, SimulationFailed } from "./errors.js";
import type { paths } from "./generated/openapi.js";
import { type Fetch, type Sleep, retryingFetch, sha256Hex, sleep as realSleep, uuid4 } from "./http.js";
import { ARROW_STREAM, tableFromArrowStream } from "./results.js";
import type {
  Account,
  Checkout,
  CompletedSimulation,
  Fmu,
  KeyCreated,
  LibraryModel,
  Quote,
  Result,
  ResultData,
  Simulation,
  SimulationCreate,
} from "./types.js";

export const VERSION = "0.1.0";
/** The contract version this SDK's types were generated from (shared-specs/openapi.yaml info.version). */
export const CONTRACT_VERSION = "0.8.2";
export const DEFAULT_URL = "http://127.0.0.1:8000";
export const URL_ENV = "FMU_GATEWAY_URL";
export const KEY_ENV = "FMU_GATEWAY_API_KEY";

const TERMINAL: ReadonlySet<Simulation["status"]> = new Set(["succeeded", "failed", "cancelled"]);
const FIRST_POLL_MS = 100;
const MAX_POLL_MS = 2_000;

export interface GatewayOptions {
  /** The gateway's base URL; default FMU_GATEWAY_URL (where `process` exists), else a local gateway. */
  url?: string;
  /** The API key (`fmk_live_...`); default FMU_GATEWAY_API_KEY. Without one, `createKey()` makes one. */
  apiKey?: string;
  /** How often a failed request is tried again (connection errors, 408, 429, 5xx, in-progress 409s). */
  maxRetries?: number;
  /** The fetch to send requests with (default: the global fetch). */
  fetch?: Fetch;
  /** How the SDK waits between retries and polls (tests make it instant). */
  sleep?: Sleep;
}

export interface SimulateOptions {
  /** Called with each state of the simulation the SDK sees: the first answer, every poll, the end. */
  onProgress?: (simulation: Simulation) => void;
  /** How long the gateway waits for the result before it answers 202 (then the SDK polls). */
  waitS?: number;
  /** A one-shot token from a paid pay-per-run checkout: pays for this run instead of credits. */
  paymentToken?: string;
  /** Sent on every attempt of this call, so a retried run is charged once; default a fresh UUID per call. */
  idempotencyKey?: string;
}

export interface WaitForPaymentOptions {
  /** Give up after this many seconds (default 600). */
  timeoutS?: number;
  /** Ask the gateway this often (default 2 s). */
  pollS?: number;
}

export interface PayForRunOptions extends WaitForPaymentOptions {
  /** Shows the payer where to pay (the checkout URL for this one run); the SDK then waits for the payment. */
  onCheckout: (offer: PaymentRequired) => void | Promise<void>;
  onProgress?: SimulateOptions["onProgress"];
}

export type ResultFormat = "json" | "csv" | "arrow";

/**
 * A connection to an FMU Gateway.
 *
 * ```ts
 * const gw = new Gateway({ url: "https://gateway.example", apiKey: "fmk_live_..." });
 * const sim = await gw.simulate({ fmu_id: "lib:BouncingBall", stop_time: 3 });
 * console.log(sim.result.data.h);
 * ```
 */
export class Gateway {
  readonly url: string;
  #apiKey: string | null;
  // JSON bodies only: getSimulationResult also declares `text/csv` without a schema, which would make
  // its JSON answer `unknown`. CSV and Arrow are read with parseAs, whose types do not depend on this.
  readonly #client: Client<paths, "application/json">;
  readonly #sleep: Sleep;

  constructor(options: GatewayOptions = {}) {
    this.url = (options.url ?? env(URL_ENV) ?? DEFAULT_URL).replace(/\/+$/, "");
    this.#apiKey = options.apiKey ?? env(KEY_ENV) ?? null;
    this.#sleep = options.sleep ?? realSleep;
    const send: Fetch = options.fetch ?? ((request) => globalThis.fetch(request));
    this.#client = createClient<paths, "application/json">({
      baseUrl: this.url,
      fetch: retryingFetch({ fetch: send, maxRetries: options.maxRetries ?? 2, sleep: this.#sleep }),
    });
    this.#client.use({
      onRequest: ({ request }) => {
        if (this.#apiKey !== null && !request.headers.has("Authorization")) {
          request.headers.set("Authorization", `Bearer ${this.#apiKey}`);
        }
        return request;
      },
    });
  }

  /** The API key in use, or null when there is none yet. */
  get apiKey(): string | null {
    return this.#apiKey;
  }

  // -- keys, account, library, FMUs ------------------------------------------------------------------

  /**
   * A new API key. Without a key this creates a new account, and the Gateway uses its key from then on;
   * with one it adds a key to the same account (the Gateway keeps its key).
   */
  async createKey(name?: string): Promise<KeyCreated> {
    const created = data(await this.#client.POST("/v1/keys", { body: name === undefined ? {} : { name } }));
    this.#apiKey ??= created.api_key;
    return created;
  }

  /** This account: tier, credit balance and recent ledger entries. */
  async account(): Promise<Account> {
    return data(await this.#client.GET("/v1/account"));
  }

  /** The model library, optionally searched (every word must match). No key needed. */
  async library(query?: string): Promise<LibraryModel[]> {
    const params = query ? { query: { query } } : {};
    return data(await this.#client.GET("/v1/library", { params })).items;
  }

  /**
   * Upload an FMU, unless the gateway already has it: it is asked by sha256 first, and an FMU it knows
   * is never sent again. The whole file is read into memory to hash it.
   */
  async upload(fmu: Blob | ArrayBuffer | Uint8Array, filename: string): Promise<Fmu> {
    const bytes = fmu instanceof Blob ? new Uint8Array(await fmu.arrayBuffer()) : new Uint8Array(fmu);
    const sha256 = await sha256Hex(bytes);
    try {
      return data(await this.#client.GET("/v1/fmus/{fmu_id}", { params: { path: { fmu_id: sha256 } } }));
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
    const file = fmu instanceof Blob ? fmu : new Blob([bytes], { type: "application/octet-stream" });
    return data(
      await this.#client.POST("/v1/fmus", {
        body: { file },
        bodySerializer: (body) => {
          const form = new FormData();
          form.append("file", body.file, filename);
          return form;
        },
      }),
    );
  }

  // -- simulations -----------------------------------------------------------------------------------

  /**
   * Run a simulation and return it with its result data. When the gateway answers 202 the run is
   * followed until it ends (`onProgress` sees each state). Throws `SimulationFailed` when the model did
   * not succeed, `PaymentRequired` when the credits do not cover the run.
   */
  async simulate(request: SimulationCreate, options: SimulateOptions = {}): Promise<CompletedSimulation> {
    const submitted = await this.#submit(request, options);
    const ended = await this.#follow(submitted, options.onProgress);
    if (ended.status !== "succeeded") throw new SimulationFailed(ended);
    // A 200 carries the data inline; a run followed after a 202 has it at its result URL.
    const result = ended.result ?? columnsOf(await this.result(ended.id));
    return { ...ended, status: "succeeded", result };
  }

  // Sweeps are not here because the contract has no sweep operation yet. When it has one, `sweep()`
  // joins `simulate()` as another caller of #submit and #follow (the gateway fans out, one Idempotency-Key
  // per call), rather than a loop over simulate() on the client.

  async #submit(request: SimulationCreate, options: SimulateOptions): Promise<Simulation> {
    const header: { "Idempotency-Key": string; "Payment-Token"?: string } = {
      "Idempotency-Key": options.idempotencyKey ?? uuid4(),
    };
    if (options.paymentToken !== undefined) header["Payment-Token"] = options.paymentToken;
    const body = options.waitS === undefined ? request : { ...request, wait_s: options.waitS };
    return data(await this.#client.POST("/v1/simulations", { body, params: { header } }));
  }

  async #follow(simulation: Simulation, onProgress?: (simulation: Simulation) => void): Promise<Simulation> {
    onProgress?.(simulation);
    let delay = FIRST_POLL_MS;
    while (!TERMINAL.has(simulation.status)) {
      await this.#sleep(delay);
      delay = Math.min(delay * 1.5, MAX_POLL_MS);
      simulation = await this.simulation(simulation.id);
      onProgress?.(simulation);
    }
    return simulation;
  }

  /** A simulation's status, progress, KPIs, provenance and error (without its data). */
  async simulation(id: string): Promise<Simulation> {
    return data(await this.#client.GET("/v1/simulations/{simulation_id}", { params: { path: { simulation_id: id } } }));
  }

  /** Cancel a queued (refunded) or running simulation; answers the simulation after the request. */
  async cancel(id: string): Promise<Simulation> {
    return data(
      await this.#client.DELETE("/v1/simulations/{simulation_id}", { params: { path: { simulation_id: id } } }),
    );
  }

  /**
   * A succeeded simulation's result: JSON columns (default), the gateway's CSV text, or an Apache Arrow
   * Table. Arrow needs the optional peer dependency `apache-arrow` and a gateway that offers
   * `application/vnd.apache.arrow.stream`; one that does not answers 406 (`InvalidRequestError`).
   */
  async result(id: string, options?: { format?: "json" }): Promise<Result>;
  async result(id: string, options: { format: "csv" }): Promise<string>;
  async result(id: string, options: { format: "arrow" }): Promise<Table>;
  async result(id: string, options: { format?: ResultFormat } = {}): Promise<Result | string | Table> {
    const path = { simulation_id: id };
    switch (options.format ?? "json") {
      case "json":
        return data(await this.#client.GET("/v1/simulations/{simulation_id}/result", { params: { path } }));
      case "csv":
        return data(
          await this.#client.GET("/v1/simulations/{simulation_id}/result", {
            params: { path, query: { format: "csv" } },
            parseAs: "text",
          }),
        );
      case "arrow": {
        const { data: bytes, response } = await this.#client.GET("/v1/simulations/{simulation_id}/result", {
          params: { path },
          headers: { Accept: ARROW_STREAM },
          parseAs: "arrayBuffer",
        });
        return tableFromArrowStream(new Uint8Array(bytes ?? new ArrayBuffer(0)), response);
      }
    }
  }

  // -- paying ----------------------------------------------------------------------------------------

  /** What `simulate(request)` would cost, without running it (free when an identical result is stored). */
  async quote(request: SimulationCreate): Promise<Quote> {
    return data(await this.#client.POST("/v1/quotes", { body: request }));
  }

  /**
   * Wait until a pay-per-run checkout session (the `sessionId` of a `PaymentRequired`) is paid, and
   * return its one-shot payment token for `simulate(request, { paymentToken })`. Throws
   * `PaymentNotCompleted` when the session expires, its token was redeemed, or time runs out.
   */
  async waitForPayment(sessionId: string, options: WaitForPaymentOptions = {}): Promise<string> {
    const deadline = Date.now() + (options.timeoutS ?? 600) * 1000;
    for (;;) {
      const checkout: Checkout = data(
        await this.#client.GET("/v1/payments/checkout/{session_id}", { params: { path: { session_id: sessionId } } }),
      );
      if (checkout.payment_token) return checkout.payment_token;
      if (checkout.kind !== "run") {
        throw new PaymentNotCompleted(`checkout ${sessionId} buys a credit pack: it has no payment token`, checkout);
      }
      if (checkout.payment_token_redeemed) {
        throw new PaymentNotCompleted(`the payment token of checkout ${sessionId} was redeemed already`, checkout);
      }
      if (checkout.status === "expired") throw new PaymentNotCompleted(`checkout ${sessionId} expired`, checkout);
      if (Date.now() >= deadline) {
        const detail = `checkout ${sessionId} was not paid in time (${checkout.payment_status})`;
        throw new PaymentNotCompleted(detail, checkout);
      }
      await this.#sleep((options.pollS ?? 2) * 1000);
    }
  }

  /**
   * Run `request`, paying for this one run at checkout when the credits do not cover it: on a 402 with
   * a checkout link, `onCheckout(offer)` shows the payer `offer.checkoutUrl`, the SDK waits for the
   * payment (`waitForPayment`) and runs the request with its payment token. A 402 without a checkout
   * link (the gateway takes no payments) is thrown as it is.
   */
  async payForRun(request: SimulationCreate, options: PayForRunOptions): Promise<CompletedSimulation> {
    const progress = options.onProgress ? { onProgress: options.onProgress } : {};
    try {
      return await this.simulate(request, progress);
    } catch (error) {
      if (!(error instanceof PaymentRequired) || error.sessionId === null || error.checkoutUrl === null) throw error;
      await options.onCheckout(error);
      const paymentToken = await this.waitForPayment(error.sessionId, options);
      return await this.simulate(request, { ...progress, paymentToken });
    }
  }
}

function columnsOf({ columns, units, data }: Result): ResultData {
  return { columns, units, data };
}

/** The data of a 2xx answer (errors were thrown by the transport already). */
function data<T>(result: { data?: T; response: Response }): T {
  if (result.data === undefined) {
    const { url, status } = result.response;
    throw new TypeError(`${url}: HTTP ${status} without the body the contract declares`);
  }
  return result.data;
}

/** An environment variable where there is an environment (Node, Deno, Bun); never in a browser. */
function env(name: string): string | undefined {
  const holder = globalThis as { process?: { env?: Record<string, string | undefined> } };
  return holder.process?.env?.[name] || undefined;
}
