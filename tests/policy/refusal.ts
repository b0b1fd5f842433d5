import assert from 'node:assert/strict';
import { GatewayError } from '../../src/http/errors.ts';

/** The GatewayError a policy decision throws; fails the test when the call is granted. */
export function refusal(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof GatewayError);
    return error;
  }
  assert.fail('the call was granted');
}
