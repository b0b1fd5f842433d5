/**
 * The deploy manifests validate against the Kubernetes and Knative (Cloud Run) OpenAPI schemas
 * shipped by kubernetes-models; the Cloud Run service also keeps within Cloud Run's own limits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';

type Model = new (data: unknown) => { validate(): void };
const kubernetes = async (path: string, name: string): Promise<Model> => (await import(`kubernetes-models/${path}/${name}`))[name] as Model;
const schemas: Record<string, () => Promise<Model>> = {
  'v1/ConfigMap': () => kubernetes('v1', 'ConfigMap'),
  'v1/ServiceAccount': () => kubernetes('v1', 'ServiceAccount'),
  'v1/Service': () => kubernetes('v1', 'Service'),
  'apps/v1/StatefulSet': () => kubernetes('apps/v1', 'StatefulSet'),
  'autoscaling/v2/HorizontalPodAutoscaler': () => kubernetes('autoscaling/v2', 'HorizontalPodAutoscaler'),
  'policy/v1/PodDisruptionBudget': () => kubernetes('policy/v1', 'PodDisruptionBudget'),
  'networking.k8s.io/v1/NetworkPolicy': () => kubernetes('networking.k8s.io/v1', 'NetworkPolicy'),
  'serving.knative.dev/v1/Service': async () => (await import('@kubernetes-models/knative/serving.knative.dev/v1/Service')).Service as Model,
};

async function documents(path: string): Promise<Array<Record<string, any>>> {
  return parseAllDocuments(await readFile(path, 'utf8')).map((document) => document.toJS());
}

async function validate(document: Record<string, any>): Promise<void> {
  const load = schemas[`${document.apiVersion}/${document.kind}`];
  assert.ok(load, `no schema known for ${document.apiVersion} ${document.kind}`);
  const Model = await load();
  new Model(document).validate();
}

test('every Kubernetes object validates against its API schema', async () => {
  const objects = await documents('deploy/kubernetes/scribe.yaml');
  assert.deepEqual(objects.map((o) => o.kind).sort(), ['ConfigMap', 'HorizontalPodAutoscaler', 'NetworkPolicy', 'PodDisruptionBudget', 'Service', 'Service', 'ServiceAccount', 'StatefulSet']);
  for (const object of objects) await validate(object);
});

test('the schema check catches a wrong manifest (it is not a no-op)', async () => {
  const [statefulSet] = (await documents('deploy/kubernetes/scribe.yaml')).filter((o) => o.kind === 'StatefulSet');
  statefulSet!.spec.template.spec.containers[0].ports[0].containerPort = 'http';
  await assert.rejects(validate(statefulSet!), /containerPort must be integer/);
  const [service] = await documents('deploy/cloud-run/service.yaml');
  service!.spec.template.spec.timeoutSeconds = 'an hour';
  await assert.rejects(validate(service!), /timeoutSeconds/);
});

test('the Kubernetes replicas: probes on /healthz and /readyz, grace beyond the stream grace, hardened, own chain names', async () => {
  const objects = await documents('deploy/kubernetes/scribe.yaml');
  const pod = objects.find((o) => o.kind === 'StatefulSet')!.spec.template.spec;
  const container = pod.containers[0];
  assert.equal(container.livenessProbe.httpGet.path, '/healthz');
  assert.equal(container.readinessProbe.httpGet.path, '/readyz');
  const { parse } = await import('yaml');
  const config = parse(objects.find((o) => o.kind === 'ConfigMap')!.data['scribe.yaml']);
  const preStop = container.lifecycle.preStop.sleep.seconds as number;
  assert.ok(pod.terminationGracePeriodSeconds > preStop + config.server.shutdownGraceMs / 1000, 'SIGKILL would cut streams still inside their grace');
  assert.equal(container.securityContext.readOnlyRootFilesystem, true);
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.ok(container.volumeMounts.some((m: { mountPath: string }) => m.mountPath === '/tmp'), 'tsx needs a writable /tmp');
  assert.deepEqual(container.env.find((e: { name: string }) => e.name === 'SCRIBE_INSTANCE_NAME').valueFrom, { fieldRef: { fieldPath: 'metadata.name' } });
  const account = objects.find((o) => o.kind === 'ServiceAccount')!;
  assert.match(account.metadata.annotations['iam.gke.io/gcp-service-account'], /@.*\.iam\.gserviceaccount\.com$/);
  assert.equal(objects.find((o) => o.kind === 'HorizontalPodAutoscaler')!.spec.scaleTargetRef.kind, 'StatefulSet');
  // The metrics port is for the scraper only: the callers' Service does not expose it.
  const api = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'scribe')!;
  assert.deepEqual(api.spec.ports.map((p: { targetPort: string }) => p.targetPort), ['http']);
});

test('the Cloud Run service validates as a Knative Service and keeps within Cloud Run limits', async () => {
  const [service] = await documents('deploy/cloud-run/service.yaml');
  await validate(service!);
  const { metadata, spec } = service!.spec.template;
  assert.ok(Number(metadata.annotations['autoscaling.knative.dev/minScale']) >= 1, 'min instances');
  assert.ok(spec.timeoutSeconds >= 900 && spec.timeoutSeconds <= 3600, 'Cloud Run allows requests of up to 3600 s');
  assert.ok(spec.containerConcurrency >= 1 && spec.containerConcurrency <= 1000, 'Cloud Run allows 1..1000 concurrent requests');
  const container = spec.containers[0];
  assert.equal(container.ports.length, 1, 'Cloud Run routes to one port');
  const secretEnv = container.env.filter((e: { valueFrom?: unknown }) => e.valueFrom);
  for (const entry of secretEnv) assert.ok(entry.valueFrom.secretKeyRef.name && entry.valueFrom.secretKeyRef.key, `${entry.name} comes from Secret Manager`);
  assert.ok(secretEnv.some((e: { name: string }) => e.name === 'ANTHROPIC_API_KEY'));
  assert.equal(container.livenessProbe.httpGet.path, '/healthz');
  assert.equal(container.startupProbe.httpGet.path, '/readyz');
});
