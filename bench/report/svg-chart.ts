// An SVG chart of added-latency distributions: for each target, added latency (target minus
// direct, paired by round) at every percentile from 1 to 99, for time to first byte and for
// every event.
// The y axis is logarithmic-like (symlog) so sub-millisecond proxies and tens-of-milliseconds
// proxies fit on one chart.

import type { BenchResults } from './summary.ts';

const COLORS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d', '#666666', '#1f78b4', '#b2df8a'];
const WIDTH = 980;
const PANEL_W = 400;
const PANEL_H = 300;
const TOP = 60;
const LEFT = 70;
const GAP = 90;
/** Below this the axis is linear; above, logarithmic. */
const LINEAR_MS = 0.1;
const Y_MAX_MS = 1000;
const Y_MIN_MS = -10;
const TICKS = [-10, -1, -0.1, 0, 0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000];

function symlog(ms: number): number {
  return Math.sign(ms) * Math.log10(1 + Math.abs(ms) / LINEAR_MS);
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function panel(
  x0: number,
  title: string,
  series: Array<{ label: string; color: string; curve: number[] }>,
): string {
  const yMin = symlog(Y_MIN_MS);
  const yMax = symlog(Y_MAX_MS);
  const sx = (p: number): number => x0 + ((p - 1) / 98) * PANEL_W;
  const sy = (ms: number): number => {
    const clamped = Math.min(Y_MAX_MS, Math.max(Y_MIN_MS, ms));
    return TOP + PANEL_H - ((symlog(clamped) - yMin) / (yMax - yMin)) * PANEL_H;
  };
  const out: string[] = [];
  out.push(`<text x="${x0 + PANEL_W / 2}" y="${TOP - 12}" text-anchor="middle" font-weight="bold">${escapeXml(title)}</text>`);
  out.push(`<rect x="${x0}" y="${TOP}" width="${PANEL_W}" height="${PANEL_H}" fill="none" stroke="#999"/>`);
  for (const t of TICKS) {
    const y = sy(t).toFixed(1);
    out.push(`<line x1="${x0}" x2="${x0 + PANEL_W}" y1="${y}" y2="${y}" stroke="${t === 0 ? '#888' : '#e5e5e5'}"/>`);
    out.push(`<text x="${x0 - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" font-size="11">${t}</text>`);
  }
  for (const p of [1, 25, 50, 75, 90, 99]) {
    const x = sx(p).toFixed(1);
    out.push(`<line x1="${x}" x2="${x}" y1="${TOP}" y2="${TOP + PANEL_H}" stroke="#f0f0f0"/>`);
    out.push(`<text x="${x}" y="${TOP + PANEL_H + 16}" text-anchor="middle" font-size="11">p${p}</text>`);
  }
  out.push(`<text x="${x0 + PANEL_W / 2}" y="${TOP + PANEL_H + 34}" text-anchor="middle" font-size="12">percentile</text>`);
  out.push(
    `<text x="${x0 - 48}" y="${TOP + PANEL_H / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 ${x0 - 48} ${TOP + PANEL_H / 2})">added ms (symlog)</text>`,
  );
  for (const s of series) {
    const points = s.curve
      .map((v, i) => (Number.isFinite(v) ? `${sx(i + 1).toFixed(1)},${sy(v).toFixed(1)}` : ''))
      .filter(Boolean)
      .join(' ');
    if (points) out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${points}"><title>${escapeXml(s.label)}</title></polyline>`);
  }
  return out.join('\n');
}

export function renderChart(r: BenchResults): string {
  const c = r.headlineConcurrency;
  const series = r.targets
    .filter((t) => t.state === 'ok' && t.id !== 'direct')
    .map((t, i) => {
      const level = t.levels.find((l) => l.concurrency === c && !l.burst);
      return {
        label: t.label,
        color: COLORS[i % COLORS.length]!,
        ttfb: level?.addedTtfbCurve ?? [],
        event: level?.addedEventCurve ?? [],
      };
    });
  const legendTop = TOP + PANEL_H + 56;
  const height = legendTop + Math.ceil(series.length / 3) * 20 + 20;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="13">`,
  );
  out.push(`<rect width="100%" height="100%" fill="white"/>`);
  out.push(
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">Added latency vs direct, ${c} concurrent streams (${escapeXml(r.mode)} run, ${r.startedAt.slice(0, 10)})</text>`,
  );
  out.push(panel(LEFT, 'time to first byte', series.map((s) => ({ label: s.label, color: s.color, curve: s.ttfb }))));
  out.push(panel(LEFT + PANEL_W + GAP, 'every event', series.map((s) => ({ label: s.label, color: s.color, curve: s.event }))));
  series.forEach((s, i) => {
    const x = LEFT + (i % 3) * 300;
    const y = legendTop + Math.floor(i / 3) * 20;
    out.push(`<rect x="${x}" y="${y - 9}" width="14" height="4" fill="${s.color}"/>`);
    out.push(`<text x="${x + 20}" y="${y - 3}" font-size="12">${escapeXml(s.label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
