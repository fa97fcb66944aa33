#!/usr/bin/env bash
# Runs chosen spec files (compiled) with the Kafka fixture: scripts/spec.sh spec/integration/x.spec.ts ...
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json
files=()
for f in "$@"; do f="${f%.ts}"; files+=("build/${f}.js"); done
exec npx mocha --no-config -r build/spec/support/global-kafka.js --timeout 60000 --enable-source-maps --node-option expose-gc "${files[@]}"
