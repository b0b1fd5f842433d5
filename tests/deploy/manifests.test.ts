import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import { parseConfig } from '../../src/config/load.ts';

const manifests = ['deploy/compose.yaml', 'deploy/kubernetes/scribe.yaml', 'deploy/cloud-run/service.yaml'];

async function knownVariables(): Promise<Set<string>> {
  const source = (await readFile('src/config/env.ts', 'utf8')) + (await readFile('src/config/load.ts', 'utf8'));
  return new Set([...source.matchAll(/env\.([A-Z_]+)/g)].map((m) => m[1] as string));
}

test('every deploy manifest is valid YAML and names only variables the gateway reads', async () => {
  const known = await knownVariables();
  for (const path of [...manifests, 'deploy/Dockerfile']) {
    const text = await readFile(path, 'utf8');
    if (path.endsWith('.yaml')) {
      for (const document of parseAllDocuments(text)) assert.deepEqual(document.errors, [], path);
    }
    for (const [, name] of text.matchAll(/\b((?:SCRIBE|ANTHROPIC)_[A-Z_]+)\b/g)) {
      assert.ok(known.has(name as string), `${path} uses ${name}, which the gateway does not read`);
    }
  }
});

test('the Kubernetes config map holds a config the gateway accepts', async () => {
  const documents = parseAllDocuments(await readFile('deploy/kubernetes/scribe.yaml', 'utf8')).map((d) => d.toJS());
  const configMap = documents.find((d) => d.kind === 'ConfigMap');
  const { parse } = await import('yaml');
  const config = parseConfig(parse(configMap.data['scribe.yaml']));
  assert.equal(config.identity.issuers[0]?.issuer, 'https://accounts.google.com');
  assert.equal(config.recording.store, 'gs://example-scribe-sessions/prod');
});
