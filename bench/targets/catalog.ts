// Every target the benchmark knows, in report order.

import { directTarget } from './direct.ts';
import { nginxTarget } from './nginx.ts';
import { nodeFloorTarget } from './node-floor.ts';
import { portkeyTarget } from './portkey.ts';
import { scribeTarget } from './scribe.ts';
import type { TargetDefinition } from './target.ts';

export function allTargets(): TargetDefinition[] {
  const baseline = process.env.SCRIBE_BENCH_BASELINE;
  return [
    directTarget,
    nginxTarget,
    nodeFloorTarget,
    scribeTarget('node', 'off'),
    scribeTarget('node', 'record'),
    scribeTarget('node', 'on'),
    ...(baseline ? [scribeTarget('node', 'off', baseline), scribeTarget('node', 'record', baseline), scribeTarget('node', 'on', baseline)] : []),
    scribeTarget('bun', 'off'),
    scribeTarget('bun', 'on'),
    scribeTarget('deno', 'off'),
    scribeTarget('deno', 'on'),
    portkeyTarget,
  ];
}
