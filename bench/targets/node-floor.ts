// The Node floor: bare node:http piping undici's request (bench/targets/node-floor-server.mjs).
// Scribe on Node is held to within 1.5x of it.

import { join } from 'node:path';
import { freePort, isRunning, startProcess, waitForHttp } from '../runner/managed-process.ts';
import { anthropicHeaders, type TargetDefinition } from './target.ts';

export const nodeFloorTarget: TargetDefinition = {
  id: 'node-floor',
  label: 'node:http + undici request (floor)',
  unavailableReason: () => undefined,
  start: async (ctx) => {
    const port = await freePort();
    const logPath = join(ctx.workDir, 'server.log');
    const proc = startProcess('node-floor', process.execPath, [join(ctx.repoRoot, 'bench/targets/node-floor-server.mjs'), String(port), ctx.simulatorUrl], {
      cwd: ctx.repoRoot,
      logPath,
      env: process.env,
    });
    // The simulator answers /healthz; through the floor it answers it too.
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, 20_000, () => isRunning(proc));
    return { endpoint: { url: `http://127.0.0.1:${port}/v1/messages`, headers: anthropicHeaders() }, pid: proc.pid, logPath, stop: () => proc.stop(5000) };
  },
};
