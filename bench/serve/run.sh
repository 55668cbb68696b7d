#!/usr/bin/env bash
# Serve benchmark: classify requests/s and p50/p99 latency over HTTP at concurrency 1 and 8, against
# the same model through its DJL predictor in the same JVM (the ratio is HTTP's overhead).
#   bench/serve/run.sh [SECONDS]      default: 20 per measurement
set -euo pipefail
exec "$(dirname "$0")/../main.sh" serve 2g dev.streamtune.serve.ServeBench "$@"
