// A mock fetch for unit tests (no network), and builders for the contract's documents.
import { Gateway, type GatewayOptions, type Simulation } from "../src/index.js";

export interface Recorded {
  method: string;
  path: string;
  search: string;
  headers: Headers;
  body: Uint8Array<ArrayBuffer>;
}

export type Handler = (request: Recorded) => Response | Promise<Response>;

/** A Gateway whose fetch answers with `handler`; every request and every wait is recorded. */
export function mockGateway(handler: Handler, options: GatewayOptions = {}) {
  const requests: Recorded[] = [];
  const sleeps: number[] = [];
  const gw = new Gateway({
    url: "https://gateway.example",
    apiKey: "fmk_live_test",
    fetch: async (request) => {
      const url = new URL(request.url);
      const recorded = {
        method: request.method,
        path: url.pathname,
        search: url.search,
        headers: request.headers,
        body: new Uint8Array(await request.arrayBuffer()),
      };
      requests.push(recorded);
      return handler(recorded);
    },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options,
  });
  return { gw, requests, sleeps };
}

/** Answers in order, one per request; the last one again when they run out. */
export function sequence(...answers: Array<() => Response>): Handler {
  let i = 0;
  return () => answers[Math.min(i++, answers.length - 1)]!();
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", "X-Request-ID": "req_test", ...headers },
  });
}

export function problem(
  status: number,
  slug: string,
  detail: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  const body = { type: `https://fmu-gateway.dev/problems/${slug}`, title: slug, status, detail, ...extra };
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/problem+json", "X-Request-ID": "req_test", ...headers },
  });
}

export const SIM_ID = `sim_${"a".repeat(32)}`;

export function simulation(overrides: Partial<Simulation> = {}): Simulation {
  return {
    id: SIM_ID,
    status: "succeeded",
    fmu_id: "lib:BouncingBall",
    fmu_sha256: "b".repeat(64),
    cached: false,
    request: { fmu_id: "lib:BouncingBall" },
    kpis: null,
    provenance: { fmpy_version: "0.3.22" },
    error: null,
    created_at: "2026-11-28T10:00:00Z",
    started_at: null,
    finished_at: null,
    progress: null,
    result_url: null,
    ...overrides,
  };
}

export const RESULT_DATA = {
  columns: ["time", "h"],
  units: { h: "m" },
  data: { time: [0, 0.5, 1], h: [1, 0.8, 0.2] },
};

export function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}
