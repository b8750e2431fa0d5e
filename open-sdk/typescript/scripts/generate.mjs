// Regenerate the contract's types: `npm run generate` (or `make sdk-ts` from the repository root).
//
// Writes src/generated/openapi.ts (never edit it by hand) and GENERATED_FROM (the sha256 of
// shared-specs/openapi.yaml and the generator version). `--check` writes nothing and exits 1 when either
// would change; the test suite calls `render()` the same way (test/generated-in-sync.test.ts).
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";

export const PACKAGE = fileURLToPath(new URL("..", import.meta.url));
export const SPEC = fileURLToPath(new URL("../../../shared-specs/openapi.yaml", import.meta.url));
export const TARGET = fileURLToPath(new URL("../src/generated/openapi.ts", import.meta.url));
export const STAMP = fileURLToPath(new URL("../GENERATED_FROM", import.meta.url));
export const GENERATOR = "openapi-typescript";

const BLOB = ts.factory.createTypeReferenceNode(ts.factory.createIdentifier("Blob"));
const NULL = ts.factory.createLiteralTypeNode(ts.factory.createNull());

// The settings are part of what the generated file is; changing one is a regeneration like any other.
const OPTIONS = {
  // `{type: object}` without properties means "any members" (provenance, request), not "no members".
  emptyObjectsUnknown: true,
  // A default makes a field optional for the caller (SimulationCreate.interface, .cache), not required.
  defaultNonNullable: false,
  // `format: binary` is a file: Blob in fetch's world (a string would not upload an FMU).
  transform(schema) {
    if (schema.format !== "binary") return undefined;
    const nullable = schema.nullable || (Array.isArray(schema.type) && schema.type.includes("null"));
    return nullable ? ts.factory.createUnionTypeNode([BLOB, NULL]) : BLOB;
  },
};

const HEADER = `// Generated from shared-specs/openapi.yaml by ${GENERATOR} (see GENERATED_FROM). Do not edit:
// run \`npm run generate\` in open-sdk/typescript, or \`make sdk-ts\` at the repository root.

`;

/** The pinned generator version: package.json's devDependency, which must be the one installed. */
export function generatorVersion() {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  const pinned = pkg.devDependencies[GENERATOR];
  const installed = JSON.parse(
    readFileSync(new URL(`../node_modules/${GENERATOR}/package.json`, import.meta.url), "utf8"),
  ).version;
  if (installed !== pinned) {
    throw new Error(`${GENERATOR} ${installed} is installed, package.json pins ${pinned}: run \`npm ci\``);
  }
  return pinned;
}

export function stampText(spec = SPEC) {
  const sha = createHash("sha256").update(readFileSync(spec)).digest("hex");
  return `spec: shared-specs/openapi.yaml\nsha256: ${sha}\ngenerator: ${GENERATOR}@${generatorVersion()}\n`;
}

/** The generated module's text for `spec`. */
export async function render(spec = SPEC) {
  const ast = await openapiTS(pathToFileURL(spec), { ...OPTIONS, silent: true });
  return HEADER + astToString(ast);
}

async function main(argv) {
  const check = argv.includes("--check");
  const [code, stamp] = [await render(), stampText()];
  if (check) {
    const stale = [];
    if (readFileSync(TARGET, "utf8") !== code) stale.push("src/generated/openapi.ts");
    if (readFileSync(STAMP, "utf8") !== stamp) stale.push("GENERATED_FROM");
    if (stale.length) {
      console.error(`stale: ${stale.join(", ")}: run \`npm run generate\``);
      return 1;
    }
    console.log("generated types match the contract");
    return 0;
  }
  writeFileSync(TARGET, code);
  writeFileSync(STAMP, stamp);
  console.log("generated src/generated/openapi.ts from shared-specs/openapi.yaml");
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2));
}
