// `npm run fuzz`: builds the cargo-fuzz targets of fuzz/ and runs each one for
// a time or a number of inputs, then prints per target the inputs executed,
// libFuzzer's coverage (`cov:` edges, `ft:` features), the corpus size and
// the crashes (their inputs are kept in fuzz/artifacts/<target>/).
//
//   npm run fuzz -- [--seconds N | --runs N] [--api-runs N] [--smoke] [--save] [TARGET...]
//
// Besides the cargo-fuzz targets, target `js_api` fuzzes the JS API of the
// npm package (tests/fuzz-api/fuzz-api.mjs: hostile values for every member
// of both classes, then each instance must still deliver a message). It
// needs dist/npm and the dev server built; it runs for --seconds N, or for
// --api-runs N calls (default 20,000: its calls are about 1,000 times slower
// than a decoder's inputs, so --runs does not apply to it). Without TARGETs
// it runs after the others, except with --smoke (npm test runs it as a
// stage of its own, after the builds).
//
// --seconds N  run each target N seconds (default 60)
// --runs N     run each target for N inputs instead
// --smoke      start from the committed corpus only (a fresh work dir), as
//              `npm test` does; otherwise the work corpus in
//              fuzz/target/corpus/<target> carries over from run to run
// --save       merge inputs that add coverage into the committed corpus
//              fuzz/corpus/<target> (libFuzzer -set_cover_merge=1)
// Exits non-zero when any target crashed, hung or ran out of memory.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const FUZZ = join(ROOT, "fuzz");
const BIN = join(FUZZ, "target", "x86_64-unknown-linux-gnu", "release");

/** Every target with the longest input it is given (frames just past the protocol limits). */
const TARGETS = {
  gobelieve_frame: 32_800, // 12-byte header + 32 KiB body, and a little over
  gobelieve_roundtrip: 4_096,
  gobelieve_session: 4_096,
  mobileimsdk_json: 65_600, // 64 KiB frames, and a little over
  mobileimsdk_protocal: 65_600,
  mobileimsdk_roundtrip: 4_096,
  mobileimsdk_client: 4_096,
  engine_command: 4_096,
};

/** The JS API fuzz (tests/fuzz-api), run with node rather than libFuzzer. */
const JS_API = "js_api";

function parseArgs(argv) {
  const opts = { seconds: 60, secondsGiven: false, runs: null, apiRuns: 20000, smoke: false, save: false, targets: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = () => {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n <= 0) die(`${a} needs a positive integer`);
      return n;
    };
    if (a === "--seconds") {
      opts.seconds = num();
      opts.secondsGiven = true;
    } else if (a === "--api-runs") opts.apiRuns = num();
    else if (a === "--runs") opts.runs = num();
    else if (a === "--smoke") opts.smoke = true;
    else if (a === "--save") opts.save = true;
    else if (a in TARGETS || a === JS_API) opts.targets.push(a);
    else die(`unknown argument ${a}; targets: ${Object.keys(TARGETS).join(", ")}, ${JS_API}`);
  }
  if (opts.targets.length === 0) opts.targets = Object.keys(TARGETS).concat(opts.smoke ? [] : [JS_API]);
  return opts;
}

function die(msg) {
  console.error(`error: ${msg}`);
  process.exit(2);
}

function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: "inherit" });
  if (r.status !== 0) die(`${what} failed`);
}

/** cargo-fuzz is installed from crates.io, only when it is missing. */
function ensureTools() {
  const has = (args) => spawnSync("cargo", args, { cwd: ROOT, stdio: "ignore" }).status === 0;
  if (!has(["+nightly", "--version"])) die("the nightly toolchain is missing (rustup toolchain list)");
  if (!has(["fuzz", "--version"])) {
    console.error("==> installing cargo-fuzz from crates.io (a few minutes)");
    run("cargo", ["install", "cargo-fuzz"], "cargo install cargo-fuzz");
  }
}

/** One libFuzzer run; resolves with its figures parsed from the log. */
function fuzzOne(target, maxLen, opts, workDir) {
  const artifacts = join(FUZZ, "artifacts", target);
  mkdirSync(artifacts, { recursive: true });
  mkdirSync(workDir, { recursive: true });
  mkdirSync(join(FUZZ, "corpus", target), { recursive: true });
  const args = [
    workDir,
    join(FUZZ, "corpus", target),
    `-max_len=${maxLen}`,
    "-timeout=10",
    "-rss_limit_mb=2048",
    "-print_final_stats=1",
    `-artifact_prefix=${artifacts}/`,
    opts.runs ? `-runs=${opts.runs}` : `-max_total_time=${opts.seconds}`,
  ];
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(join(BIN, target), args, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
    let log = "";
    child.stderr.on("data", (d) => (log += d));
    child.on("close", (code, signal) => {
      const seconds = (Date.now() - t0) / 1000;
      let cov = "-", ft = "-", corp = "-";
      for (const m of log.matchAll(/#\d+\s+\w+\s+cov: (\d+) ft: (\d+) corp: (\S+)/g)) [, cov, ft, corp] = m;
      const units = /stat::number_of_executed_units: (\d+)/.exec(log);
      const crashes = [...log.matchAll(/Test unit written to (\S+)/g)].map((m) => m[1]);
      const failed = code !== 0 || signal !== null;
      if (failed) {
        // The panic message and the op trace command, for whoever reads the log.
        const panic = /panicked at [^\n]*\n[^\n]*/.exec(log);
        console.error(`\n---- ${target} failed (exit ${code ?? signal}) ----`);
        console.error(panic ? panic[0] : log.split("\n").slice(-30).join("\n"));
        for (const c of crashes) console.error(`reproduce: FUZZ_TRACE=1 ${join(BIN, target)} ${c}`);
      }
      resolve({ target, inputs: units ? Number(units[1]) : NaN, seconds, cov, ft, corp, crashes, failed });
    });
  });
}

/** The JS API fuzz; resolves with the same figures (coverage: none, libFuzzer is not involved). */
function fuzzJsApi(opts) {
  for (const need of [join(ROOT, "dist", "npm", "index.js"), join(ROOT, "target", "debug", "devserver")]) {
    if (!existsSync(need)) die(`${JS_API} needs ${need} (bash scripts/build.sh; cargo build -p imsdk-devserver)`);
  }
  const args = [join(ROOT, "tests", "fuzz-api", "fuzz-api.mjs"), ...(opts.secondsGiven ? ["--seconds", String(opts.seconds)] : ["--runs", String(opts.apiRuns)])];
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
    let log = "";
    child.stdout.on("data", (d) => (log += d));
    child.on("close", (code, signal) => {
      const m = /^fuzz-api: (\{.*\})$/m.exec(log);
      const figures = m ? JSON.parse(m[1]) : { inputs: NaN, crashes: 1 };
      const failed = code !== 0 || signal !== null;
      if (failed) console.error(`\n---- ${JS_API} failed (exit ${code ?? signal}) ----\n${log.trim()}`);
      resolve({ target: JS_API, inputs: figures.inputs, seconds: (Date.now() - t0) / 1000, cov: "-", ft: "-", corp: "-",
        crashes: Array(figures.crashes).fill(""), failed });
    });
  });
}

const opts = parseArgs(process.argv.slice(2));
if (opts.targets.some((t) => t !== JS_API)) {
  ensureTools();
  const tBuild = Date.now();
  // No sanitizer: the core is safe Rust, so ASan would only slow the search;
  // debug assertions and overflow checks stay on (cargo-fuzz's release default).
  run("cargo", ["+nightly", "fuzz", "build", "--sanitizer", "none"], "the fuzz build");
  console.error(`==> fuzz build ready in ${((Date.now() - tBuild) / 1000).toFixed(1)} s`);
}

const scratch = opts.smoke ? mkdtempSync(join(tmpdir(), "imsdk-fuzz-")) : null;
const results = [];
for (const target of opts.targets) {
  if (target === JS_API) {
    console.error(`==> ${JS_API}: ${opts.secondsGiven ? `${opts.seconds} s` : `${opts.apiRuns} calls`}`);
    results.push(await fuzzJsApi(opts));
    continue;
  }
  const workDir = scratch ? join(scratch, target) : join(FUZZ, "target", "corpus", target);
  console.error(`==> ${target}: ${opts.runs ? `${opts.runs} inputs` : `${opts.seconds} s`}`);
  results.push(await fuzzOne(target, TARGETS[target], opts, workDir));
  if (opts.save && existsSync(workDir)) {
    spawnSync(join(BIN, target), ["-set_cover_merge=1", `-max_len=${TARGETS[target]}`, join(FUZZ, "corpus", target), workDir], {
      cwd: ROOT,
      stdio: "ignore",
    });
  }
}
if (scratch) rmSync(scratch, { recursive: true, force: true });

const rows = [["target", "inputs", "seconds", "inputs/s", "cov", "ft", "corpus", "crashes"]];
for (const r of results) {
  rows.push([r.target, String(r.inputs), r.seconds.toFixed(1), String(Math.round(r.inputs / r.seconds)),
    r.cov, r.ft, r.corp, r.failed ? String(Math.max(1, r.crashes.length)) : "0"]);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
for (const row of rows) console.log(row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "));
const bad = results.filter((r) => r.failed);
if (bad.length > 0) {
  console.log(`\nFAILED: ${bad.map((r) => r.target).join(", ")}; inputs in fuzz/artifacts/<target>/`);
  process.exit(1);
}
