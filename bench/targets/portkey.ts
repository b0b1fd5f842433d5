// The Portkey AI gateway from npm, routed to the simulator as a custom Anthropic host.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, isRunning, startProcess, waitForHttp } from '../runner/managed-process.ts';
import { anthropicHeaders, type TargetDefinition } from './target.ts';

const ENTRY = 'node_modules/@portkey-ai/gateway/build/start-server.js';

export const portkeyTarget: TargetDefinition = {
  id: 'portkey',
  label: 'Portkey gateway',
  unavailableReason: (root) => (existsSync(join(root, ENTRY)) ? undefined : `${ENTRY} missing (npm ci)`),
  start: async (ctx) => {
    const port = await freePort();
    const logPath = join(ctx.workDir, 'portkey.log');
    const shim = fileURLToPath(new URL('./portkey-fetch-shim.mjs', import.meta.url));
    const proc = startProcess(
      'portkey',
      process.execPath,
      [
        ...(ctx.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${ctx.cpuProfileDir}`] : []),
        '--import',
        shim,
        join(ctx.repoRoot, ENTRY),
        `--port=${port}`,
        '--headless',
      ],
      // Portkey trusts 127.0.0.1 as a custom host by default; say so explicitly anyway.
      { logPath, cwd: ctx.repoRoot, env: { ...process.env, TRUSTED_CUSTOM_HOSTS: '127.0.0.1,localhost', NODE_ENV: 'production' } },
    );
    await waitForHttp(`http://127.0.0.1:${port}/`, 20_000, () => isRunning(proc));
    return {
      endpoint: {
        url: `http://127.0.0.1:${port}/v1/messages`,
        headers: {
          ...anthropicHeaders(),
          'x-portkey-provider': 'anthropic',
          'x-portkey-custom-host': `${ctx.simulatorUrl}/v1`,
        },
      },
      pid: proc.pid,
      logPath,
      stop: () => proc.stop(),
    };
  },
};
