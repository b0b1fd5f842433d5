/** `scribe connections`: each configured connection, its target, its credential's state (never the credential) and its switches. */
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ConnectionDescription } from '../../src/upstream/describe.ts';
import { tempDir } from '../record/store-helpers.ts';
import { runScribe } from '../support/scribe-cli.ts';

const apiKey = `sk-ant-api03-${crypto.randomUUID()}`;
let root: string;
let configFile: string;

before(async () => {
  root = await tempDir('connections');
  await writeFile(join(root, 'key'), `${apiKey}\n`);
  configFile = join(root, 'scribe.yaml');
  await writeFile(
    configFile,
    [
      'masking: { prompts: { "*": mask } }',
      'connections:',
      '  default: { type: anthropic }',
      '  team-vertex: { type: vertex, projectId: team-proj, region: europe-west1, recording: off, prompts: block }',
      `  keyed: { type: anthropic, baseUrl: "https://claude.internal.example", apiKeyFile: "${join(root, 'key')}", masking: off }`,
      '  lost: { type: anthropic, apiKeyFile: /nonexistent/key }',
    ].join('\n'),
  );
});
after(() => rm(root, { recursive: true, force: true }));

test('--json lists every connection with its target, credential state and resolved switches', async () => {
  const { code, stdout } = await runScribe(['connections', '--json'], { SCRIBE_CONFIG: configFile, ANTHROPIC_API_KEY: apiKey });
  assert.equal(code, 0);
  const listed = Object.fromEntries((JSON.parse(stdout) as ConnectionDescription[]).map((c) => [c.name, c]));
  assert.deepEqual(listed.default, {
    name: 'default', type: 'anthropic', target: 'https://api.anthropic.com',
    credential: { state: 'loaded', source: 'api key (ANTHROPIC_API_KEY or config)' },
    switches: { recording: true, maskAnswers: true, prompts: 'mask' },
  });
  assert.deepEqual(listed['team-vertex'], {
    name: 'team-vertex', type: 'vertex',
    target: 'https://europe-west1-aiplatform.googleapis.com/v1/projects/team-proj/locations/europe-west1/publishers/anthropic/models',
    credential: { state: 'deferred', source: 'Google application default credentials, resolved at the first call' },
    switches: { recording: false, maskAnswers: true, prompts: 'block' },
  });
  assert.equal(listed.keyed?.credential.state, 'loaded');
  assert.deepEqual(listed.keyed?.switches, { recording: true, maskAnswers: false, prompts: 'mask' });
  assert.match(listed.lost?.credential.source ?? '', /not readable \(ENOENT\)/);
  assert.equal(listed.lost?.credential.state, 'missing');
});

test('the table never shows a credential', async () => {
  const { code, stdout } = await runScribe(['connections'], { SCRIBE_CONFIG: configFile, ANTHROPIC_API_KEY: apiKey });
  assert.equal(code, 0);
  assert.match(stdout, /^NAME\s+TYPE\s+TARGET\s+CREDENTIAL\s+RECORDING\s+MASKING\s+PROMPTS$/m);
  assert.match(stdout, /^team-vertex\s+vertex\s+\S+\s+deferred: .*\s+off \(audit line only\)\s+on\s+block$/m);
  assert.match(stdout, /^lost\s+anthropic\s+https:\/\/api\.anthropic\.com\s+MISSING: /m);
  assert.ok(!stdout.includes(apiKey));
});

test('a configuration problem is told in one line per problem, without a stack trace', async () => {
  const { code, stderr } = await runScribe(['connections'], { SCRIBE_CONFIG: join(root, 'missing.yaml') });
  assert.equal(code, 1);
  assert.match(stderr, /SCRIBE_CONFIG: cannot read .*missing\.yaml \(ENOENT\)/);
  assert.doesNotMatch(stderr, /\n\s+at /);
});
