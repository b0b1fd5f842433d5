/**
 * `scribe checkpoint-key`: prints the public JWK that verifies the gateway's chain checkpoints,
 * found as the gateway finds its signing key (SCRIBE_CONFIG, SCRIBE_SIGNING_KEY, SCRIBE_DATA_DIR).
 * An auditor pins it once and passes it to `scribe verify --key`.
 */
import { parseArgs } from 'node:util';
import { openSigningKey } from '../checkpoint/signing-key.ts';
import { loadConfig } from '../config/load.ts';

const usage = `Usage: scribe checkpoint-key

Prints the public JWK that verifies the chain checkpoints this gateway signs. The private key
is the file SCRIBE_SIGNING_KEY names, or <SCRIBE_DATA_DIR>/checkpoint/signing-key.jwk.json,
created on first use (mode 0600). The gateway also serves the public key at
/.well-known/scribe-checkpoint-key.

  scribe checkpoint-key > checkpoint-key.json
  scribe verify --key checkpoint-key.json
`;

export async function runCheckpointKey(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }));
  } catch (error) {
    process.stderr.write(`scribe checkpoint-key: ${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  try {
    const config = await loadConfig(process.env);
    const key = await openSigningKey({ keyFile: config.recording.signingKey, dataDir: config.server.dataDir });
    process.stdout.write(`${JSON.stringify(key.publicJwk)}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`scribe checkpoint-key: ${(error as Error).message}\n`);
    return 1;
  }
}
