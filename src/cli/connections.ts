/** `scribe connections`: the configured connections, where they point, and their switches. */
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/errors.ts';
import { loadConfig } from '../config/load.ts';
import { describeConnections } from '../upstream/describe.ts';
import { switchDefaults } from '../upstream/switches.ts';

const usage = `Usage: scribe connections [--json]
Lists the connections the gateway would serve with this configuration (SCRIBE_CONFIG and the
environment): type, target, whether a credential is loaded (never the credential), and the
recording, masking and prompt switches after gateway-wide defaults.
`;

export async function runConnections(argv: string[]): Promise<number> {
  let json: boolean;
  try {
    json = parseArgs({ args: argv, options: { json: { type: 'boolean' } } }).values.json === true;
  } catch (error) {
    process.stderr.write(`scribe connections: ${(error as Error).message}\n${usage}`);
    return 2;
  }
  let config;
  try {
    config = await loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`scribe connections: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const connections = await describeConnections(config.connections, switchDefaults(config));
  if (json) {
    process.stdout.write(`${JSON.stringify(connections, null, 2)}\n`);
    return 0;
  }
  const rows = [
    ['NAME', 'TYPE', 'TARGET', 'CREDENTIAL', 'RECORDING', 'MASKING', 'PROMPTS'],
    ...connections.map((c) => [
      c.name,
      c.type,
      c.target,
      `${c.credential.state === 'missing' ? 'MISSING' : c.credential.state}: ${c.credential.source}`,
      c.switches.recording ? 'on' : 'off (audit line only)',
      c.switches.maskAnswers ? 'on' : 'off',
      c.switches.prompts,
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) process.stdout.write(`${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ')}\n`);
  return 0;
}
