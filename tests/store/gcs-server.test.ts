/** The test GCS server speaks enough of the JSON API for the real @google-cloud/storage client. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Storage, type Bucket } from '@google-cloud/storage';
import { startGcsServer, type GcsServer } from '../support/gcs-server.ts';

describe('GCS test server with the real client', () => {
  let server: GcsServer;
  let bucket: Bucket;

  before(async () => {
    server = await startGcsServer(['audit'], { pageSize: 2 });
    const storage = new Storage({ apiEndpoint: server.url, projectId: 'test', retryOptions: { autoRetry: false } });
    bucket = storage.bucket('audit');
  });
  after(() => server.stop());

  test('a multipart upload stores the bytes and the client downloads them with hash validation', async () => {
    await bucket.file('a/one.bin').save(Buffer.from('hello'), { resumable: false, validation: 'md5' });
    const [contents] = await bucket.file('a/one.bin').download();
    assert.equal(contents.toString(), 'hello');
  });

  test('a resumable upload stores the bytes', async () => {
    const data = Buffer.alloc(300_000, 7);
    await bucket.file('a/big.bin').save(data, { resumable: true });
    const [contents] = await bucket.file('a/big.bin').download();
    assert.deepEqual(contents, data);
  });

  test('ifGenerationMatch: 0 creates once and answers 412 afterwards', async () => {
    await bucket.file('a/once').save('first', { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } });
    await assert.rejects(
      bucket.file('a/once').save('second', { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } }),
      (error: { code?: number }) => error.code === 412,
    );
    const [contents] = await bucket.file('a/once').download();
    assert.equal(contents.toString(), 'first');
  });

  test('listing by prefix and offsets follows pages', async () => {
    for (const name of ['p/1', 'p/2', 'p/3', 'p/4', 'p/5', 'q/1']) await bucket.file(name).save(name, { resumable: false });
    const [all] = await bucket.getFiles({ prefix: 'p/', autoPaginate: true });
    assert.deepEqual(all.map((f) => f.name), ['p/1', 'p/2', 'p/3', 'p/4', 'p/5']);
    const [range] = await bucket.getFiles({ prefix: 'p/', startOffset: 'p/2', endOffset: 'p/4', autoPaginate: true });
    assert.deepEqual(range.map((f) => f.name), ['p/2', 'p/3']);
  });

  test('metadata reports the md5 of the stored bytes, and delete removes the object', async () => {
    await bucket.file('d/x').save('bytes', { resumable: false });
    const [metadata] = await bucket.file('d/x').getMetadata();
    assert.equal(metadata.md5Hash, createHash('md5').update('bytes').digest('base64'));
    await bucket.file('d/x').delete();
    const [exists] = await bucket.file('d/x').exists();
    assert.equal(exists, false);
  });

  test('injected failures answer 503 until they pass', async () => {
    server.failNext(1);
    await assert.rejects(bucket.file('f/1').save('x', { resumable: false }), (error: { code?: number }) => error.code === 503);
    await bucket.file('f/1').save('x', { resumable: false });
    assert.ok(server.objects('audit').has('f/1'));
  });
});
