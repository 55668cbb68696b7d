#!/usr/bin/env bash
# Drift benchmark: a Fashion-MNIST classifier serves the test images of half the classes, then the
# same images inverted, then rotated by 90 degrees; the feedback role's drift monitor (default
# settings) must stay silent over the undrifted requests and ask once after the switch. Needs
# Debian's dataset-fashion-mnist.
#   bench/drift/run.sh [TRAIN] [UNDRIFTED]      default: 2,000 training images, 50,000 requests
set -euo pipefail
exec "$(dirname "$0")/../main.sh" drift 3g dev.streamtune.feedback.DriftBench "$@"
