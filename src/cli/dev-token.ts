/**
 * `scribe dev-token`: prints a token from the embedded development issuer, for calling a
 * gateway that runs without a configured identity provider (`npm start`).
 *
 *   export ANTHROPIC_AUTH_TOKEN=$(scribe dev-token --email ada@example.com --groups eng,ml)
 */
import { parseArgs } from 'node:util';
import { openDevIssuer } from '../identity/dev-issuer-key-file.ts';

const usage = `Usage: scribe dev-token [options]

Prints a token signed by the gateway's local development issuer (used when no OIDC issuer
is configured). The key lives in <data-dir>/dev-issuer/ and is created on first use.

Options:
  --sub <subject>       the caller's subject (default: developer)
  --email <address>     the caller's email
  --groups <a,b,...>    comma-separated groups
  --ttl <duration>      lifetime: 90s, 30m, 1h, 7d (default: 1h; at most 30d)
  --data-dir <dir>      the gateway's data directory (default: $SCRIBE_DATA_DIR or ./data)
  -h, --help            show this help
`;

const maxTtlSeconds = 30 * 24 * 3600;

export async function runDevToken(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        sub: { type: 'string' },
        email: { type: 'string' },
        groups: { type: 'string' },
        ttl: { type: 'string', default: '1h' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(`scribe dev-token: ${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const ttlSeconds = parseDuration(values.ttl);
  if (ttlSeconds === undefined || ttlSeconds <= 0 || ttlSeconds > maxTtlSeconds) {
    process.stderr.write(`scribe dev-token: --ttl must be a duration such as 30m, 1h or 7d, at most 30d\n`);
    return 2;
  }
  const dataDir = values['data-dir'] ?? (process.env.SCRIBE_DATA_DIR || './data');
  const groups = (values.groups ?? '').split(',').map((group) => group.trim()).filter(Boolean);
  try {
    const issuer = await openDevIssuer(dataDir);
    const token = await issuer.sign({
      ...(values.sub !== undefined ? { subject: values.sub } : {}),
      ...(values.email !== undefined ? { email: values.email } : {}),
      groups,
      ttlSeconds,
    });
    process.stdout.write(`${token}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`scribe dev-token: ${(error as Error).message}\n`);
    return 1;
  }
}

/** "90", "90s", "30m", "1h", "7d" to seconds; undefined when unreadable. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  if (match === null) return undefined;
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}
