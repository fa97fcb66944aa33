#!/usr/bin/env bash
# Interleaved before/after benchmark runs on one machine: N pairs, each the baseline checkout's
# bench then this checkout's, with the same arguments. Both checkouts must be compiled
# (`npm run compile`). Results land in bench/results/pairs/<time>/{base,main}-<i>.json and a
# one-line-per-run summary is printed at the end.
#
#   git worktree add --detach ../base <commit> && (cd ../base && npm ci && npm run compile)
#   npm run compile && scripts/bench-pairs.sh ../base 3 --variants=kafkajs-floor,pubscribe-header --concurrency=1 --no-memory
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
base="$(cd "$1" && pwd)"
pairs="$2"
shift 2
out="$here/bench/results/pairs/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
for i in $(seq 1 "$pairs"); do
  for label in base main; do
    if [ "$label" = base ]; then tree="$base"; else tree="$here"; fi
    touch "$out/.started"
    echo "[pairs] $label-$i: node build/bench/run.js $* (in $tree)"
    (cd "$tree" && node build/bench/run.js "$@" >"$out/$label-$i.log" 2>&1) || echo "[pairs] $label-$i failed; see $out/$label-$i.log"
    for f in "$tree/bench/results/tmp/results.json" "$tree/bench/results/full/results.json"; do
      # Only a results file written by this run counts (a partial run writes tmp/, a full one full/).
      if [ -f "$f" ] && [ "$f" -nt "$out/.started" ]; then cp "$f" "$out/$label-$i.json"; break; fi
    done
  done
done
node -e '
const fs = require("fs"); const dir = process.argv[1]; const rows = {};
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
  for (const r of JSON.parse(fs.readFileSync(`${dir}/${f}`, "utf8")).results) {
    (rows[`${r.variant} @ ${r.concurrency}`] ??= []).push(
      `${f.replace(".json", "").padEnd(7)} ${String(Math.round(r.throughput)).padStart(6)} req/s  p50 ${r.latencyMs.p50.toFixed(1)} ms  p99 ${r.latencyMs.p99.toFixed(1)} ms  CPU ${Math.round(r.cpuMicrosPerRequest)} µs/req  errors ${r.errors}`);
  }
}
for (const [k, v] of Object.entries(rows)) console.log(`${k}\n  ${v.join("\n  ")}`);
' "$out"
echo "[pairs] results in $out"
