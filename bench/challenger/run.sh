#!/usr/bin/env bash
# Challenger benchmark: the feedback role's trial (default settings) judges challengers on
# Fashion-MNIST traffic in shadow mode: a better version, the same with two labels swapped, with
# every label shifted, and the champion again. Needs Debian's dataset-fashion-mnist.
#   bench/challenger/run.sh [CHAMPION_IMAGES] [CHALLENGER_IMAGES]     default: 1,000 and 4,000
set -euo pipefail
exec "$(dirname "$0")/../main.sh" challenger 3g dev.streamtune.feedback.ChallengerBench "$@"
