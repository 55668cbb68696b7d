#!/usr/bin/env bash
# Predictions benchmark: classify requests/s over HTTP with every classification published to the
# predictions topic (serve.predictions.sample=1) against none (0), two serve instances on one
# embedded stack, measured alternately at concurrency 1 and 8; the ratio is the publishing's cost.
# A third instance shadows version 1 with version 2 at the default share (serve.challenger.mode).
#   bench/predictions/run.sh [SECONDS] [ROUNDS]      default: 15 s a measurement, 2 rounds
set -euo pipefail
exec "$(dirname "$0")/../main.sh" predictions 2g dev.streamtune.serve.PredictionsBench "$@"
