#!/usr/bin/env python3
"""Draws bench/scale's result.json as an SVG: test accuracy and request-to-event latency against
examples, one point per streamed version (REJECTED ones hollow), the one-shot model as a line, and the
version that published the background consolidation after the stream as a green square.
Standard library only.   plot.py STREAM.json [ONESHOT.json] OUT.svg"""
import json
import sys

result = json.load(open(sys.argv[1]))
rows = result.get("stream", [])
after = result.get("afterStream") if isinstance(result.get("afterStream"), dict) else None
one = json.load(open(sys.argv[2])).get("oneShot", {}) if len(sys.argv) > 3 else {}
W, H, M = 720, 260, 56


def panel(y0, title, key, scale, unit, ref=None, extra=None):
    xs = [r["examples"] for r in rows]
    ys = [r.get(key, 0) * scale for r in rows if key in r] + ([extra[key] * scale] if extra and key in extra else [])
    if not xs or not ys:
        return ""
    lo = min(ys + ([ref] if ref is not None else []))
    hi = max(ys + ([ref] if ref is not None else []))
    lo, hi = (lo - (hi - lo) * 0.1 - 1e-9, hi + (hi - lo) * 0.1 + 1e-9)
    xmax = max(xs)

    def px(x):
        return M + (W - 2 * M) * x / xmax

    def py(y):
        return y0 + H - M / 2 - (H - M) * (y - lo) / (hi - lo)

    out = [f'<text x="{M}" y="{y0 + 16}" font-size="14">{title}</text>']
    out.append(f'<line x1="{M}" y1="{py(lo)}" x2="{W - M}" y2="{py(lo)}" stroke="#888"/>')
    out.append(f'<line x1="{M}" y1="{py(lo)}" x2="{M}" y2="{py(hi)}" stroke="#888"/>')
    for i in range(5):
        v = lo + (hi - lo) * i / 4
        out.append(f'<text x="{M - 4}" y="{py(v) + 4}" font-size="10" text-anchor="end">{v:.3g}{unit}</text>')
    for i in range(0, xmax + 1, max(1, xmax // 6)):
        out.append(f'<text x="{px(i)}" y="{py(lo) + 14}" font-size="10" text-anchor="middle">{i:,}</text>')
    pts = [(px(r["examples"]), py(r[key] * scale), r["status"]) for r in rows if key in r]
    out.append('<polyline fill="none" stroke="#1f77b4" points="' + " ".join(f"{x},{y}" for x, y, _ in pts) + '"/>')
    for x, y, s in pts:
        fill = "#1f77b4" if s == "PUBLISHED" else "white"
        out.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{fill}" stroke="#1f77b4"/>')
    if extra and key in extra:
        x, y = px(extra["examples"]), py(extra[key] * scale)
        out.append(f'<rect x="{x - 4}" y="{y - 4}" width="8" height="8" fill="#2ca02c"/>')
        out.append(f'<text x="{x - 6}" y="{y - 6}" font-size="10" text-anchor="end" fill="#2ca02c">after the stream: consolidated</text>')
    if ref is not None:
        out.append(f'<line x1="{M}" y1="{py(ref)}" x2="{W - M}" y2="{py(ref)}" stroke="#d62728" stroke-dasharray="4"/>')
        out.append(f'<text x="{W - M}" y="{py(ref) - 4}" font-size="10" text-anchor="end" fill="#d62728">one-shot</text>')
    return "\n".join(out)


acc_ref = one.get("testAccuracy")
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{2 * H + 20}" font-family="sans-serif">',
       '<rect width="100%" height="100%" fill="white"/>',
       panel(0, "Test accuracy (10,000 images) against examples", "testAccuracy", 1, "", acc_ref, after),
       panel(H + 20, "Request-to-event latency (s) against examples", "requestToEventMillis", 1e-3, "s"),
       "</svg>"]
open(sys.argv[-1], "w").write("\n".join(svg))
print("wrote", sys.argv[-1])
