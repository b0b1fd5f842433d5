// The functions a V8 CPU profile (`node --cpu-prof`) spent its time in: top self time and top
// total time (a function counted once per sample however deep it recurses), as shares of the
// busy samples (idle and program excluded).
//
//   node --import tsx bench/cpu-profile-top.ts <file.cpuprofile> [--top=25] [--match=src/] [--skip-s=5]
//        [--callers=<function>] [--own=<url part>]

import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
const top = Number(args.find((a) => a.startsWith('--top='))?.slice(6) ?? 25);
const match = args.find((a) => a.startsWith('--match='))?.slice(8);
if (!file) {
  console.error('usage: cpu-profile-top.ts <file.cpuprofile> [--top=25] [--match=<url part>]');
  process.exit(2);
}

const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
// --skip-s=<seconds>: leave out the first seconds (start-up, module loading, JIT warm-up).
const skipUs = Number(args.find((a) => a.startsWith('--skip-s='))?.slice(9) ?? 0) * 1e6;
if (skipUs > 0) {
  let at = 0;
  let first = 0;
  while (first < profile.timeDeltas.length && at + profile.timeDeltas[first]! < skipUs) at += profile.timeDeltas[first++]!;
  profile.samples = profile.samples.slice(first);
  profile.timeDeltas = profile.timeDeltas.slice(first);
}
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

function label(n: ProfileNode): string {
  const url = n.callFrame.url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, 'nm/').replace(/^.*?\/(src|bench)\//, '$1/');
  return `${n.callFrame.functionName || '(anonymous)'} ${url ? `${url}:${n.callFrame.lineNumber + 1}` : ''}`.trim();
}

const self = new Map<string, number>();
const total = new Map<string, number>();
let busy = 0;
let idle = 0;
let program = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const node = byId.get(profile.samples[i]!)!;
  const dt = profile.timeDeltas[i] ?? 0;
  const name = node.callFrame.functionName;
  if (name === '(idle)' || name === '(program)') {
    if (name === '(idle)') idle += dt;
    else program += dt;
    continue;
  }
  busy += dt;
  self.set(label(node), (self.get(label(node)) ?? 0) + dt);
  const seen = new Set<string>();
  for (let at: number | undefined = node.id; at !== undefined; at = parent.get(at)) {
    const l = label(byId.get(at)!);
    if (seen.has(l)) continue;
    seen.add(l);
    total.set(l, (total.get(l) ?? 0) + dt);
  }
}

function print(title: string, map: Map<string, number>): void {
  console.log(`\n${title}`);
  const rows = [...map].filter(([l]) => !match || l.includes(match)).sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [l, us] of rows) console.log(`${((us / busy) * 100).toFixed(1).padStart(6)} %  ${(us / 1000).toFixed(0).padStart(6)} ms  ${l}`);
}

const byFile = new Map<string, number>();
for (const [l, us] of self) {
  const where = l.includes(' ') ? l.slice(l.indexOf(' ') + 1).replace(/:\d+$/, '') : `(${l})`;
  byFile.set(where, (byFile.get(where) ?? 0) + us);
}

// (program) is native time outside any JS function (the event loop, the kernel on its behalf): not charged below.
console.log(`${file}: busy (JS and what it called) ${(busy / 1e6).toFixed(2)} s, (program) ${(program / 1e6).toFixed(2)} s, idle ${(idle / 1e6).toFixed(2)} s`);
print('top self time (share of busy)', self);
print('top total time (share of busy)', total);
print('self time by file (share of busy)', byFile);

// --callers=<function name>: where the time of that function comes from (its callers' chains,
// a few frames up), to tell apart who pays for a shared function such as writev.
const callersOf = args.find((a) => a.startsWith('--callers='))?.slice(10);
if (callersOf) {
  const depth = Number(args.find((a) => a.startsWith('--depth='))?.slice(8) ?? 6);
  const chains = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    for (let at: number | undefined = profile.samples[i]!; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at)!;
      if (node.callFrame.functionName !== callersOf) continue;
      const chain: string[] = [];
      for (let up = parent.get(at); up !== undefined && chain.length < depth; up = parent.get(up)) chain.push(label(byId.get(up)!));
      const key = chain.join(' <- ');
      chains.set(key, (chains.get(key) ?? 0) + dt);
      break;
    }
  }
  console.log(`\ncallers of ${callersOf}`);
  for (const [chain, us] of [...chains].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${((us / busy) * 100).toFixed(1).padStart(6)} %  ${chain}`);
}

// --own=<url part>: each busy sample charged to the nearest enclosing function whose file
// matches (Scribe's own code, say), or to the outermost frame when none does: who, among the
// project's functions, caused the runtime work below it.
const own = args.find((a) => a.startsWith('--own='))?.slice(6);
if (own) {
  const charged = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    const node = byId.get(profile.samples[i]!)!;
    if (node.callFrame.functionName === '(idle)' || node.callFrame.functionName === '(program)') continue;
    let owner: string | undefined;
    let outermost = node;
    for (let at: number | undefined = node.id; at !== undefined; at = parent.get(at)) {
      const n = byId.get(at)!;
      if (n.callFrame.functionName === '(root)') break;
      outermost = n;
      if (owner === undefined && n.callFrame.url.includes(own)) owner = label(n);
    }
    const key = owner ?? `[outside] ${label(outermost)}`;
    charged.set(key, (charged.get(key) ?? 0) + dt);
  }
  print(`busy time charged to the nearest function in ${own}`, charged);
}
