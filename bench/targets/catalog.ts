// Every target the benchmark knows, in report order.

import { directTarget } from './direct.ts';
import { nginxTarget } from './nginx.ts';
import { nodeFloorTarget } from './node-floor.ts';
import { portkeyTarget } from './portkey.ts';
import { scribeTarget } from './scribe.ts';
import type { TargetDefinition } from './target.ts';

export function allTargets(): TargetDefinition[] {
  return [
    directTarget,
    nginxTarget,
    nodeFloorTarget,
    scribeTarget('node', 'off'),
    scribeTarget('node', 'record'),
    scribeTarget('node', 'on'),
    scribeTarget('bun', 'off'),
    scribeTarget('bun', 'on'),
    scribeTarget('deno', 'off'),
    scribeTarget('deno', 'on'),
    portkeyTarget,
  ];
}
