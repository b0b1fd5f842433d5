// nginx from Debian's packages as a plain unbuffered reverse proxy: the floor for one HTTP hop.
// Runs in the foreground with a generated config, pid file and logs in the target's work dir,
// so it never touches the system nginx.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, isRunning, startProcess, waitForHttp } from '../runner/managed-process.ts';
import { anthropicHeaders, type TargetDefinition } from './target.ts';

function nginxBinary(): string | undefined {
  for (const candidate of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx']) {
    if (existsSync(candidate)) return candidate;
  }
  try {
    return execFileSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

function config(dir: string, port: number, upstream: URL): string {
  // One worker: the gateways under test are single event loops, so this keeps the comparison
  // per process (and the machine has only two cores, shared with driver and simulator).
  return `worker_processes 1;
daemon off;
master_process on;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  client_max_body_size 32m;
  upstream simulator {
    server ${upstream.hostname}:${upstream.port};
    keepalive 512;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://simulator;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_read_timeout 300s;
    }
  }
}
`;
}

export const nginxTarget: TargetDefinition = {
  id: 'nginx',
  label: 'nginx (unbuffered proxy)',
  unavailableReason: () => (nginxBinary() ? undefined : 'nginx not installed (apt-get install -y nginx)'),
  start: async (ctx) => {
    const bin = nginxBinary()!;
    const dir = join(ctx.workDir, 'nginx');
    mkdirSync(dir, { recursive: true });
    const port = await freePort();
    const confPath = join(dir, 'nginx.conf');
    writeFileSync(confPath, config(dir, port, new URL(ctx.simulatorUrl)));
    const logPath = join(dir, 'stdout.log');
    // -e: nginx opens its error log before reading the config; keep that one private too.
    const proc = startProcess('nginx', bin, ['-p', dir, '-c', confPath, '-e', join(dir, 'startup-error.log')], { logPath });
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, 10_000, () => isRunning(proc));
    return {
      endpoint: { url: `http://127.0.0.1:${port}/v1/messages`, headers: anthropicHeaders() },
      pid: proc.pid,
      logPath,
      stop: () => proc.stop(),
    };
  },
};
