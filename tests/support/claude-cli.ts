/**
 * The pinned Claude Code CLI (its native binary, offline) run as `claude -p` in a throwaway
 * home, and the model behaviour its tests script: run one shell command, then report what
 * the tool returned.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const claudeBin = resolve('node_modules/.bin/claude');

/** `claude -p` asked to run echo through the shell; `home` holds tmp/ and work/. */
export function runClaude(home: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    execFile(
      claudeBin,
      ['-p', 'run echo through the shell', '--model', 'claude-sonnet-5-5', '--allowedTools', 'Bash(echo:*)'],
      {
        cwd: join(home, 'work'),
        timeout: 60_000,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: home,
          TMPDIR: join(home, 'tmp'),
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
          ...env,
        },
      },
      (error, stdout, stderr) => resolvePromise({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

type ScriptedBlock = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: 'Bash'; input: { command: string; description: string } };

/** The scripted model: a Bash tool call running `echo <word>`, then the tool's result as text. */
export function shellRoundTrip(body: Record<string, unknown> | undefined, word: string, toolUseId: string): ScriptedBlock[] | undefined {
  const messages = (body?.messages ?? []) as Array<{ content: unknown }>;
  const last = messages.at(-1)?.content;
  const result = Array.isArray(last) ? last.find((block: { type?: string }) => block.type === 'tool_result') : undefined;
  if (result) return [{ type: 'text', text: `The tool said: ${JSON.stringify(result.content)}` }];
  const tools = ((body?.tools ?? []) as Array<{ name: string }>).map((tool) => tool.name);
  if (!tools.includes('Bash')) return undefined;
  return [{ type: 'tool_use', id: toolUseId, name: 'Bash', input: { command: `echo ${word}`, description: 'echo' } }];
}

/** A throwaway HOME for Claude Code, with the tmp/ and work/ directories runClaude uses. */
export async function claudeHome(prefix: string): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), prefix));
  await mkdir(join(home, 'tmp'));
  await mkdir(join(home, 'work'));
  return home;
}

/** Runs `fn` while the home's settings name an apiKeyHelper that prints `token`. */
export async function withApiKeyHelper<T>(home: string, token: string, fn: () => Promise<T>): Promise<T> {
  const helper = join(home, 'token-helper.sh');
  await writeFile(helper, `#!/bin/sh\nprintf '%s' '${token}'\n`);
  await chmod(helper, 0o700);
  await mkdir(join(home, '.claude'), { recursive: true });
  await writeFile(join(home, '.claude', 'settings.json'), JSON.stringify({ apiKeyHelper: helper }));
  try {
    return await fn();
  } finally {
    await rm(join(home, '.claude', 'settings.json'));
  }
}
