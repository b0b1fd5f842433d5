/** `scribe <command>`: each command lives in its own module, loaded only when asked for. */
const usage = `Usage: scribe <command> [options]

Commands:
  serve                 run the gateway (config: SCRIBE_CONFIG and the environment)
  dev-token             print a token from the local development issuer
  sessions list|show    list recorded sessions, or show one
  replay <id>           rebuild and re-stream a recorded exchange or session
  verify [--key <jwk>]  check every record and batch file in the store (and, with the
                        checkpoint key, that nothing was cut off its end)
  reveal --key <jwk>    open the sealed originals of redacted spans
  index                 build the indexes a store lacks and fill the local index cache
  checkpoint-key        print the public JWK that verifies chain checkpoints
  connections           list the configured connections, their targets and switches
  ui                    serve the audit viewer (http://127.0.0.1:8788)

Commands that read recordings take --store or SCRIBE_STORE (file:<dir> or gs://<bucket>/<prefix>).
`;

type Command = (argv: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('../runtime/node.ts')).runNode,
  'dev-token': async () => (await import('./dev-token.ts')).runDevToken,
  sessions: async () => (await import('./sessions.ts')).runSessions,
  replay: async () => (await import('./replay.ts')).runReplay,
  verify: async () => (await import('./verify.ts')).runVerify,
  reveal: async () => (await import('./reveal.ts')).runReveal,
  index: async () => (await import('./build-index.ts')).runIndex,
  'checkpoint-key': async () => (await import('./checkpoint-key.ts')).runCheckpointKey,
  connections: async () => (await import('./connections.ts')).runConnections,
  ui: async () => (await import('./ui.ts')).runUi,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(usage);
    return name === undefined ? 2 : 0;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`scribe: unknown command "${name}"\n\n${usage}`);
    return 2;
  }
  const run = await load();
  return run(rest);
}
