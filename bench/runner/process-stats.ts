// CPU time and memory of a proxy under test, read from /proc (Linux only).
//
// A proxy is a process tree: nginx is a master plus workers, and a runtime may fork helpers,
// so every figure sums over the tree rooted at the pid the runner spawned.

import { readFileSync, readdirSync } from 'node:fs';

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The pid and all of its descendants (a process tree at this instant). */
export function processTree(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readText(`/proc/${entry}/stat`);
    if (!stat) continue;
    // Fields after the parenthesised command name: state, ppid, ...
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(rest[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  const tree: number[] = [];
  const queue = [rootPid];
  while (queue.length > 0 && tree.length < 1000) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/**
 * CPU seconds used so far by every thread of every process in the tree. Uses per-thread
 * schedstat (nanoseconds) because /proc/<pid>/stat only counts 10 ms ticks, too coarse for
 * sub-second batches; falls back to ticks where schedstat is missing.
 */
export function cpuSeconds(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    let viaSchedstat = 0;
    let threads = 0;
    try {
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const s = readText(`/proc/${pid}/task/${tid}/schedstat`);
        if (!s) continue;
        viaSchedstat += Number(s.split(' ')[0]) / 1e9;
        threads++;
      }
    } catch {
      // process gone
    }
    if (threads > 0) {
      total += viaSchedstat;
      continue;
    }
    const stat = readText(`/proc/${pid}/stat`);
    if (!stat) continue;
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat, i.e. 11 and 12 after the command name.
    total += (Number(rest[11]) + Number(rest[12])) / 100;
  }
  return total;
}

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readText(`/proc/${pid}/status`);
  const match = status?.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  return match ? Number(match[1]) * 1024 : 0;
}

/** Resident memory now, in bytes, summed over the tree. */
export function rssBytes(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + statusField(pid, 'VmRSS'), 0);
}

/** Peak resident memory (high-water mark) in bytes, summed over the tree. */
export function peakRssBytes(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + statusField(pid, 'VmHWM'), 0);
}
