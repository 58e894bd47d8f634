// Lighthouse scores of the portal's main pages, against Debian's Chromium.
//
//   cd bench/lighthouse && npm ci
//   node bench/lighthouse/run.mjs [--base-url http://127.0.0.1:8301] [--runs 3] [--only mobile|desktop] [path ...]
//
// Run it against a production-shaped server (DEBUG=0, collectstatic, gunicorn;
// see bench/page_weight.py). Each page is audited with Lighthouse's default
// mobile emulation and with --preset=desktop, `--runs` times each (median
// score reported, performance varies from run to run), and the failing audits
// of the last run are listed. Budgets (issue 8): Performance >= 95,
// Accessibility = 100, Best Practices >= 95. Exit status 1 when one is missed.
// Reports (JSON) are kept in $LIGHTHOUSE_OUT (default /tmp/ctcc-lighthouse).
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const LIGHTHOUSE = join(HERE, "node_modules", ".bin", "lighthouse");
const CHROME_FLAGS =
  "--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update " +
  "--disable-sync --no-first-run";
const BUDGETS = { performance: 95, accessibility: 100, "best-practices": 95 };
const DEFAULT_PAGES = ["/", "/forum/", "/forum/15/", "/board/clinics/", "/guidelines/1.1/"];

function parseArgs(argv) {
  const args = { baseUrl: "http://127.0.0.1:8000", runs: 1, presets: ["mobile", "desktop"], pages: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--base-url") args.baseUrl = argv[++i];
    else if (argv[i] === "--runs") args.runs = Number(argv[++i]);
    else if (argv[i] === "--only") args.presets = [argv[++i]];
    else args.pages.push(argv[i]);
  }
  if (!args.pages.length) args.pages = DEFAULT_PAGES;
  return args;
}

function audit(url, preset, out) {
  const flags = [
    url,
    "--quiet",
    "--output=json",
    `--output-path=${out}`,
    `--chrome-flags=${CHROME_FLAGS}`,
    "--only-categories=performance,accessibility,best-practices",
  ];
  if (preset === "desktop") flags.push("--preset=desktop");
  execFileSync(LIGHTHOUSE, flags, {
    env: { ...process.env, CHROME_PATH: process.env.CHROME_PATH || "/usr/bin/chromium" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  return JSON.parse(readFileSync(out, "utf8"));
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const args = parseArgs(process.argv.slice(2));
const outDir = process.env.LIGHTHOUSE_OUT || "/tmp/ctcc-lighthouse";
mkdirSync(outDir, { recursive: true });
let ok = true;
console.log(`${"page".padEnd(22)}${"preset".padEnd(9)}${"perf".padStart(6)}${"a11y".padStart(6)}${"best".padStart(6)}  LCP ms  TBT ms   CLS`);
for (const path of args.pages) {
  for (const preset of args.presets) {
    const scores = { performance: [], accessibility: [], "best-practices": [] };
    let report;
    const metrics = { lcp: [], tbt: [], cls: [] };
    for (let run = 0; run < args.runs; run++) {
      const name = `${path.replace(/[^a-z0-9]+/gi, "_") || "home"}-${preset}-${run}.json`;
      report = audit(args.baseUrl.replace(/\/$/, "") + path, preset, join(outDir, name));
      for (const key of Object.keys(scores)) scores[key].push(Math.round(report.categories[key].score * 100));
      metrics.lcp.push(report.audits["largest-contentful-paint"].numericValue);
      metrics.tbt.push(report.audits["total-blocking-time"].numericValue);
      metrics.cls.push(report.audits["cumulative-layout-shift"].numericValue);
    }
    const row = Object.fromEntries(Object.entries(scores).map(([key, values]) => [key, median(values)]));
    const within = Object.entries(BUDGETS).every(([key, min]) => row[key] >= min);
    ok &&= within;
    console.log(
      `${path.padEnd(22)}${preset.padEnd(9)}${String(row.performance).padStart(6)}${String(row.accessibility).padStart(6)}` +
        `${String(row["best-practices"]).padStart(6)}  ${String(Math.round(median(metrics.lcp))).padStart(6)}` +
        `  ${String(Math.round(median(metrics.tbt))).padStart(6)}  ${median(metrics.cls).toFixed(3)}${within ? "" : "  BELOW BUDGET"}`,
    );
    if (!within) {
      for (const key of Object.keys(BUDGETS)) {
        for (const ref of report.categories[key].auditRefs) {
          const a = report.audits[ref.id];
          if (ref.weight > 0 && a.score !== null && a.score < 1) console.log(`    ${key}: ${a.id} (${a.score}) ${a.title}`);
        }
      }
    }
  }
}
console.log(ok ? "\nWithin budget." : "\nBelow budget.");
process.exit(ok ? 0 : 1);
