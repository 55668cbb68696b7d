#!/usr/bin/env python3
"""Checks bench/scale's results against issue 20's goals and prints the per-version table as
Markdown, so BENCHMARKS.md's figures come from the JSON. Standard library only.
   verdict.py STREAM.json [ONESHOT.json]      (or HEAD.json, the stream in head mode)"""
import json
import math
import statistics
import sys

stream = json.load(open(sys.argv[1]))
rows = stream.get("stream", [])
one = json.load(open(sys.argv[2])).get("oneShot", {}) if len(sys.argv) > 2 else {}


def secs(r):
    return r["requestToEventMillis"] / 1000


def kept(r):
    """The remedy a version needed, with its phase's time, or empty."""
    reason = r.get("reason", "")
    if "candidates: " not in reason:
        return ""
    tried = reason.split("candidates: ", 1)[1].split(" | ")[1:]
    name = next((t.split(" (")[0] for t in tried if "): kept" in t), "none kept")
    return f"{name.split(':')[0]} ({r.get('phases', {}).get('remedy', 0):.1f} s)"


def p95(xs):
    xs = sorted(xs)
    return xs[max(0, math.ceil(0.95 * len(xs)) - 1)] if xs else float("nan")


print("| v | examples | mode | status | request→event | activations (head: features) | training | remedy | RSS (peak) MiB | heap committed MiB | test accuracy |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    ph = r.get("phases", {})
    print(f"| {r['version']} | {r['examples']:,} | {r['mode'].lower()} | {r['status']} | {secs(r):.1f} s "
          f"| {ph.get('activations', ph.get('features', 0)):.1f} s | {ph.get('training', 0):.1f} s | {kept(r)} "
          f"| {r.get('rssMiB', 0):,} ({r.get('peakRssMiB', 0):,}) | {r.get('heapCommittedMiB', '')} "
          f"| {r.get('testAccuracy', float('nan')):.4f} |")

late = [r for r in rows if r["examples"] >= 10000]
top = [secs(r) for r in late if r["mode"] == "TOP"]
head = [secs(r) for r in late if r["mode"] == "HEAD"]
early = [secs(r) for r in rows[4:10]]
last5 = [secs(r) for r in rows[-5:]]
published = sum(r["status"] == "PUBLISHED" for r in rows)
after10 = [r.get("peakRssMiB", 0) for r in late]
final = rows[-1].get("testAccuracy", float("nan")) if rows else float("nan")
after = stream.get("afterStream")
extra = stream.get("extra", [])
print()
for r in extra:
    print(f"- between increments: v{r['version']} ({r['examples']:,} examples, {r['status']}, "
          f"test accuracy {r.get('testAccuracy', float('nan')):.4f}): {r['reason'][:160]}")
if isinstance(after, dict):
    print(f"- after the stream, background consolidation: v{after['version']} {after['status']} "
          f"{after['secondsAfterStream']:.0f} s after the last streamed version, "
          f"test accuracy {after.get('testAccuracy', float('nan')):.4f} "
          f"(the last streamed version {final:.4f}); {after['reason'][:200]}")
    if after["status"] == "PUBLISHED":
        final = after.get("testAccuracy", final)
elif after:
    print(f"- after the stream: {after}")
if top:
    print(f"- p95 request→event, 10,000–{rows[-1]['examples']:,} in top mode: {p95(top):.1f} s over {len(top)} versions "
          f"(goal ≤ 60 s) {'✔' if p95(top) <= 60 else '✘'}")
if head:
    print(f"- p95 request→event, 10,000–{rows[-1]['examples']:,} in head mode: {p95(head):.1f} s over {len(head)} versions "
          f"(goal ≤ 20 s) {'✔' if p95(head) <= 20 else '✘'}")
else:
    print("- head mode: no version in head mode from 10,000 (auto picks top), not measured")
if early and last5:
    m0, m1 = statistics.median(early), statistics.median(last5)
    print(f"- trend: median of the last five {m1:.1f} s against versions 5–10 {m0:.1f} s = {m1 / m0:.2f}× "
          f"(goal ≤ 1.20×) {'✔' if m1 <= 1.2 * m0 else '✘'}")
if after10:
    print(f"- trainer peak RSS from 10,000: {min(after10):,}–{max(after10):,} MiB (goal ≤ 3,072, flat) "
          f"{'✔' if max(after10) <= 3072 else '✘'}")
print(f"- PUBLISHED: {published} of {len(rows)} (goal ≥ 28 of 30) {'✔' if published >= 28 else '✘'}")
if not top:
    print(f"- final test accuracy {final:.4f} in head mode (the accuracy goals are the top mode's)")
    sys.exit(0)
if one.get("testAccuracy") is not None:
    gap = (final - one["testAccuracy"]) * 100
    print(f"- final test accuracy {final:.4f} against one-shot {one['testAccuracy']:.4f}: {gap:+.2f} points "
          f"(goal within 0.5) {'✔' if gap >= -0.5 else '✘'}")
print(f"- final test accuracy {final:.4f} (goal ≥ 0.92) {'✔' if final >= 0.92 else '✘'}")
