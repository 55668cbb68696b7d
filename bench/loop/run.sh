#!/usr/bin/env bash
# Closing the loop, every measure of issue 21 in one recorded run: publishing predictions (and a
# shadow challenger's cost), drift, active labelling and the challenger trial, one after another on
# the same commit, their JSON gathered in bench/loop/results-COMMIT.json with the start, the end
# and each bench's wall time. Needs Debian's dataset-fashion-mnist; ~25 min on 2 cores.
#   bench/loop/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
commit=$(git rev-parse --short HEAD)
out=bench/loop/results-$commit.json
started=$(date -u +%FT%TZ)
parts=()
for b in "predictions 15 2" "drift" "active 0.3" "challenger"; do
  set -- $b
  name=$1
  shift
  t0=$(date +%s)
  "bench/$name/run.sh" "$@" > /dev/null
  parts+=("\"$name\": {\"args\": \"$*\", \"wallSeconds\": $(( $(date +%s) - t0 )), \"result\": $(cat "target/bench-$name.json")}")
done
{
  printf '{"commit": "%s", "started": "%s", "ended": "%s",\n' "$commit" "$started" "$(date -u +%FT%TZ)"
  (IFS=$',\n'; printf '%s\n' "${parts[*]}")
  printf '}\n'
} > "$out"
python3 -m json.tool "$out" > "$out.tmp" && mv "$out.tmp" "$out"
echo "bench/loop: wrote $out"
