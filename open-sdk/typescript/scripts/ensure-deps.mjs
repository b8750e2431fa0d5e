// Install the pinned dependencies (`npm ci`) unless node_modules already holds exactly package-lock.json.
// Called by `make sdk-ts`, by .ci/run and by open-sdk/tests/test_typescript.py: one home for "is it stale".
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const stamp = new URL("../node_modules/.fmu-gateway-lock-sha256", import.meta.url);
const lock = createHash("sha256").update(readFileSync(new URL("../package-lock.json", import.meta.url))).digest("hex");

if (existsSync(stamp) && readFileSync(stamp, "utf8").trim() === lock) {
  console.log("node_modules is up to date with package-lock.json");
} else {
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const result = spawnSync(npm, ["ci", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
  writeFileSync(stamp, `${lock}\n`);
}
