// The Markdown tables printed at the end of a run and written to bench/results/<mode>.md.

import { levelLabel, type LevelPlan } from '../runner/plan.ts';
import type { BenchResults, LevelSummary, TargetSummary } from './summary.ts';

function num(n: number | undefined, digits = 2): string {
  return n === undefined || n === null || !Number.isFinite(n) ? '–' : n.toFixed(digits);
}

function triple(p: { p50: number; p95: number; p99: number } | undefined): string {
  return p ? `${num(p.p50)} / ${num(p.p95)} / ${num(p.p99)}` : '–';
}

function levelOf(t: TargetSummary, c: number, burst = false): LevelSummary | undefined {
  return t.levels.find((l) => l.concurrency === c && Boolean(l.burst) === burst);
}

function errorsOf(t: TargetSummary): number {
  return t.levels.reduce((sum, l) => sum + l.errors, 0) + (t.saturation?.errors ?? 0) + (t.memory?.errors ?? 0);
}

export function renderMarkdown(r: BenchResults): string {
  const c = r.headlineConcurrency;
  const measured = r.targets.filter((t) => t.state === 'ok');
  const lines: string[] = [];
  lines.push(
    `Scribe benchmark, ${r.mode} run, ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC, ` +
      `${r.machine.cpus} cores (${r.machine.cpuModel}), Node ${r.machine.node}, ${r.durationSeconds} s, ` +
      `load average ${r.machine.loadAverageAtStart[0]} at start (1 min). ` +
      `Deltas ${r.plan.latencyScenario.deltaSpacingMs} ms apart; added = target minus direct at the same percentile, same interleaved rounds.`,
  );
  lines.push('');
  lines.push(`**${c} concurrent streams** (added latency in ms, p50 / p95 / p99)`);
  lines.push('');
  lines.push('| target | added TTFB | added per event | streams/s at saturation | CPU s / 1k events | peak RSS MiB | KiB / open stream | errors |');
  lines.push('|---|---|---|---|---|---|---|---|');
  for (const t of measured) {
    const l = levelOf(t, c);
    const isDirect = t.id === 'direct';
    lines.push(
      `| ${t.label} | ${isDirect ? `(TTFB ${triple(l?.ttfbMs)})` : triple(l?.addedTtfbMs)} | ` +
        `${isDirect ? `(lag ${triple(l?.eventLagMs)})` : triple(l?.addedEventMs)} | ` +
        `${num(t.saturation?.streamsPerSecond, 0)} | ${num(l?.cpuSecondsPer1kEvents, 3)} | ${num(t.peakRssMiB, 1)} | ` +
        `${num(t.memory?.kibPerOpenStream, 1)} | ${errorsOf(t)} |`,
    );
  }
  const levels: LevelPlan[] = r.plan.levels;
  lines.push('');
  lines.push('**Added TTFB by concurrency** (ms, p50 / p99; "burst N": N streams opened at the same moment)');
  lines.push('');
  lines.push(`| target | ${levels.map(levelLabel).join(' | ')} |`);
  lines.push(`|---|${levels.map(() => '---').join('|')}|`);
  for (const t of measured.filter((t) => t.id !== 'direct')) {
    const cells = levels.map((n) => {
      const a = levelOf(t, n.concurrency, n.burst)?.addedTtfbMs;
      return a ? `${num(a.p50)} / ${num(a.p99)}` : '–';
    });
    lines.push(`| ${t.label} | ${cells.join(' | ')} |`);
  }
  lines.push('');
  lines.push('**Added latency per event by concurrency** (ms, p50 / p99; counted from the first event, so the request path is in TTFB only)');
  lines.push('');
  lines.push(`| target | ${levels.map(levelLabel).join(' | ')} |`);
  lines.push(`|---|${levels.map(() => '---').join('|')}|`);
  for (const t of measured.filter((t) => t.id !== 'direct')) {
    const cells = levels.map((n) => {
      const a = levelOf(t, n.concurrency, n.burst)?.addedEventMs;
      return a ? `${num(a.p50)} / ${num(a.p99)}` : '–';
    });
    lines.push(`| ${t.label} | ${cells.join(' | ')} |`);
  }
  const skipped = r.targets.filter((t) => t.state !== 'ok' || t.note);
  if (skipped.length > 0) {
    lines.push('');
    for (const t of skipped) lines.push(`- ${t.label}: ${t.state === 'ok' ? '' : `${t.state}, `}${t.note ?? ''}`);
  }
  return lines.join('\n') + '\n';
}
