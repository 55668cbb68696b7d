#!/usr/bin/env bash
# Active against random labelling on Fashion-MNIST: 1,000 labelled, a pool of 20,000, 5 rounds of
# 500 chosen by the labelling queue's rule (margin under serve.uncertain.margin, the day's budget
# of 500) or at random; test accuracy on the 10,000 test images per round, both in one run.
# Needs Debian's dataset-fashion-mnist.
#   bench/active/run.sh [MARGIN]      default: 0.3
set -euo pipefail
exec "$(dirname "$0")/../main.sh" active 6g dev.streamtune.feedback.ActiveLearningBench "$@"
