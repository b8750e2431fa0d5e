// The committed types are exactly what the pinned generator makes from the current contract.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";

interface Generator {
  TARGET: string;
  STAMP: string;
  render(): Promise<string>;
  stampText(): string;
}

const generator = (await import(new URL("../../scripts/generate.mjs", import.meta.url).href)) as Generator;

describe("generated types", () => {
  it("src/generated/openapi.ts matches shared-specs/openapi.yaml (else: npm run generate)", async () => {
    assert.ok(readFileSync(generator.TARGET, "utf8") === (await generator.render()), "stale: run `make sdk-ts`");
  });

  it("GENERATED_FROM names the current spec and the pinned generator", () => {
    assert.equal(readFileSync(generator.STAMP, "utf8"), generator.stampText());
  });
});
