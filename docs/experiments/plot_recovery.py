"""Draws perplexity against training steps from prune4j recover reports (perplexity_curve) as an SVG.

usage: python3 plot_recovery.py OUT.svg DENSE_PPL LABEL=REPORT.json [LABEL=REPORT.json ...]
"""
import json, math, sys

out, dense, series = sys.argv[1], float(sys.argv[2]), []
for arg in sys.argv[3:]:
    label, path = arg.split('=', 1)
    curve = json.load(open(path))['perplexity_curve']
    series.append((label, [(p['step'], p['ppl']) for p in curve]))
W, H, L, R, T, B = 640, 400, 70, 160, 30, 50
xmax = max(s for _, c in series for s, _ in c) or 1
ys = [p for _, c in series for _, p in c] + [dense]
ylo, yhi = math.log(min(ys) * 0.9), math.log(max(ys) * 1.1)
X = lambda s: L + (W - L - R) * s / xmax
Y = lambda p: T + (H - T - B) * (1 - (math.log(p) - ylo) / (yhi - ylo))
colors = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b']
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
       f'<rect width="{W}" height="{H}" fill="white"/>',
       f'<line x1="{L}" y1="{H-B}" x2="{W-R}" y2="{H-B}" stroke="black"/>',
       f'<line x1="{L}" y1="{T}" x2="{L}" y2="{H-B}" stroke="black"/>',
       f'<text x="{(L+W-R)/2}" y="{H-12}" text-anchor="middle">training steps</text>',
       f'<text x="16" y="{(T+H-B)/2}" transform="rotate(-90 16 {(T+H-B)/2})" text-anchor="middle">perplexity (log scale)</text>']
for v in [4, 5, 7, 10, 15, 20, 30, 50, 100]:
    if ylo <= math.log(v) <= yhi:
        svg.append(f'<line x1="{L-4}" y1="{Y(v):.1f}" x2="{W-R}" y2="{Y(v):.1f}" stroke="#ddd"/>')
        svg.append(f'<text x="{L-8}" y="{Y(v)+4:.1f}" text-anchor="end">{v}</text>')
for k in range(0, 6):
    s = xmax * k / 5
    svg.append(f'<text x="{X(s):.1f}" y="{H-B+16}" text-anchor="middle">{s:.0f}</text>')
svg.append(f'<line x1="{L}" y1="{Y(dense):.1f}" x2="{W-R}" y2="{Y(dense):.1f}" stroke="black" stroke-dasharray="4 3"/>')
svg.append(f'<text x="{W-R+6}" y="{Y(dense)+4:.1f}">dense {dense:.2f}</text>')
for i, (label, c) in enumerate(series):
    col = colors[i % len(colors)]
    pts = ' '.join(f'{X(s):.1f},{Y(p):.1f}' for s, p in c)
    svg.append(f'<polyline points="{pts}" fill="none" stroke="{col}" stroke-width="2"/>')
    svg.append(f'<text x="{W-R+6}" y="{T+16*i+10}" fill="{col}">{label}: {c[-1][1]:.2f}</text>')
svg.append('</svg>')
open(out, 'w').write('\n'.join(svg) + '\n')
