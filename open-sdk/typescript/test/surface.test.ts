// The public surface is pinned, and the core stays portable: web APIs only, no Node modules or globals.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { describe, it } from "node:test";

import * as sdk from "../src/index.js";

const SRC = new URL("../../src/", import.meta.url);

function sources(dir: URL = SRC): Array<[string, string]> {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry): Array<[string, string]> =>
    entry.isDirectory()
      ? sources(new URL(`${entry.name}/`, dir))
      : entry.name.endsWith(".ts")
        ? [[new URL(entry.name, dir).pathname, readFileSync(new URL(entry.name, dir), "utf8")]]
        : [],
  );
}

describe("public surface", () => {
  it("exports exactly these values, sorted", () => {
    assert.deepEqual(Object.keys(sdk), [
      "AuthenticationError",
      "CONTRACT_VERSION",
      "ConflictError",
      "ConnectionError",
      "Gateway",
      "GatewayError",
      "InvalidRequestError",
      "NotFoundError",
      "PaymentNotCompleted",
      "PaymentRequired",
      "PermissionDeniedError",
      "RateLimitError",
      "ServerError",
      "SimulationFailed",
      "VERSION",
    ]);
  });

  it("every error is a GatewayError", () => {
    const classes = Object.values(sdk).filter((v): v is typeof sdk.GatewayError => typeof v === "function");
    const errors = classes.filter((cls) => cls.name !== "Gateway");
    assert.equal(errors.length, 12);
    for (const cls of errors) {
      assert.ok(cls === sdk.GatewayError || cls.prototype instanceof sdk.GatewayError, cls.name);
    }
  });

  it("CONTRACT_VERSION is the version of the contract the types were generated from", () => {
    const spec = readFileSync(new URL("../../../../shared-specs/openapi.yaml", import.meta.url), "utf8");
    assert.equal(sdk.CONTRACT_VERSION, /^ {2}version: (\S+)$/m.exec(spec)?.[1]);
  });
});

describe("portable core", () => {
  // tsconfig.json type-checks src without Node's types, but apache-arrow's .d.ts pull them back in,
  // so the source itself is checked too.
  const nodeOnly = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

  it("imports no Node module", () => {
    for (const [path, code] of sources()) {
      for (const [, spec] of code.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)) {
        assert.ok(!nodeOnly.has(spec!) && !spec!.startsWith("node:"), `${path} imports ${spec}`);
      }
    }
  });

  it("uses no Node global (process only through globalThis, where it may be missing)", () => {
    for (const [path, code] of sources()) {
      const body = code.replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, "");
      for (const global of [/\bBuffer\b/, /\brequire\(/, /\b__dirname\b/, /\b__filename\b/, /\bsetImmediate\b/, /\bglobal\./]) {
        assert.ok(!global.test(body), `${path} uses ${global.source}`);
      }
      assert.ok(!/(?<![.\w])process\./.test(body), `${path} uses process directly`);
    }
  });
});
