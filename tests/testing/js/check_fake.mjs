// Runs the error-handling page's client against `instaview fake-server` and prints one
// "ok NAME" or "not ok NAME: why" line per case of issue 13's list; exits 1 if any failed.
// INSTAVIEW_FAKES is JSON: {"main": {url, key}, "scoped": {...}, "limited": {...}}.
import assert from 'node:assert/strict';

import {
  AuthenticationError,
  InstaViewClient,
  PermissionError,
  RateLimitError,
  ValidationError,
  createJobIdempotent,
  retryWithBackoff,
  sleep,
} from './instaview_client.mjs';

const fakes = JSON.parse(process.env.INSTAVIEW_FAKES);
const v1 = (fake) => `${fake.url}/v1`;
const main = new InstaViewClient(fakes.main.key, v1(fakes.main));
const JOB = { title: 'Backend engineer', description: 'Python, asyncio and httpx' };
const MISSING = '550e8400-e29b-41d4-a716-446655440000';

async function thrown(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected an error, the call succeeded');
}

const cases = {
  async 'create-201'() {
    const job = await main.request('POST', '/jobs', JOB);
    assert.equal(main.lastResponse.status, 201);
    assert.equal(job.title, JOB.title);
    assert.match(job.id, /^[0-9a-f-]{36}$/);
  },

  async 'not-found-404'() {
    const job = await main.request('GET', `/jobs/${MISSING}`);
    assert.equal(job, null); // the page's handleError returns null for RESOURCE_NOT_FOUND
    assert.equal(main.lastResponse.status, 404);
    assert.equal(main.lastResult.error.code, 'RESOURCE_NOT_FOUND');
    assert.deepEqual(main.lastResult.error.details, { resourceType: 'Job', resourceId: MISSING });
  },

  async 'invalid-key-401'() {
    const stranger = new InstaViewClient('sk_test_not_a_key', v1(fakes.main));
    const error = await thrown(stranger.request('GET', '/jobs'));
    assert.ok(error instanceof AuthenticationError, String(error));
    assert.equal(error.code, 'INVALID_API_KEY');
    assert.equal(error.statusCode, 401);
  },

  async 'validation-fields'() {
    const body = { firstName: 'Ada', lastName: 'Lovelace', email: 'not-an-email', phoneNumber: '0900' };
    const error = await thrown(main.request('POST', '/candidates', body));
    assert.ok(error instanceof ValidationError, String(error));
    // The page's createCandidateWithValidation: collect all errors from details.fields.
    const errors = Object.entries(error.details.fields).map(([field, msg]) => ({ field, message: msg }));
    assert.deepEqual(errors.map((e) => e.field).sort(), ['email', 'phoneNumber']);
    assert.ok(errors.every((e) => typeof e.message === 'string' && e.message.length > 0));
  },

  async 'insufficient-permissions'() {
    const readOnly = new InstaViewClient(fakes.scoped.key, v1(fakes.scoped));
    const error = await thrown(readOnly.request('POST', '/jobs', JOB));
    assert.ok(error instanceof PermissionError, String(error));
    assert.equal(error.statusCode, 403);
    assert.equal(error.details.required, 'write:jobs');
    assert.deepEqual(error.details.available, ['read:candidates', 'read:jobs']);
  },

  async 'duplicate-email-409'() {
    const job = await main.request('POST', '/jobs', JOB);
    const person = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', jobIds: [job.id] };
    const first = await main.request('POST', '/candidates', person);
    const error = await thrown(main.request('POST', '/candidates', person));
    assert.equal(error.statusCode, 409);
    assert.equal(error.code, 'RESOURCE_CONFLICT');
    assert.equal(error.details.conflictingField, 'email');
    assert.equal(error.details.existingResourceId, first.id);
  },

  async 'idempotency-replay'() {
    const before = (await main.request('GET', '/jobs?limit=1')).total;
    // The page's key: `job-create-${Date.now()}-${Math.random()}`
    const idempotencyKey = `job-create-${Date.now()}-${Math.random()}`;
    const first = await createJobIdempotent(v1(fakes.main), fakes.main.key, JOB, idempotencyKey);
    const again = await createJobIdempotent(v1(fakes.main), fakes.main.key, JOB, idempotencyKey);
    const [one, two] = [await first.json(), await again.json()];
    assert.equal(first.status, 201);
    assert.equal(again.status, 201);
    assert.equal(two.data.id, one.data.id);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal((await main.request('GET', '/jobs?limit=1')).total, before + 1);
  },

  async 'rate-limit-headers'() {
    await main.request('GET', '/jobs');
    const headers = main.lastResponse.headers;
    const now = Date.now() / 1000;
    for (const window of ['Minute', 'Hour']) {
      for (const name of ['Limit', 'Remaining', 'Reset']) {
        const value = headers.get(`X-RateLimit-${name}-${window}`);
        assert.ok(value !== null, `X-RateLimit-${name}-${window} is missing`);
        assert.match(value, /^\d+$/, `X-RateLimit-${name}-${window}: ${value}`);
      }
      assert.ok(Number(headers.get(`X-RateLimit-Reset-${window}`)) > now);
      const left = Number(headers.get(`X-RateLimit-Remaining-${window}`));
      assert.ok(left < Number(headers.get(`X-RateLimit-Limit-${window}`)));
    }
  },

  async 'rate-limit-429-retry'() {
    const limited = new InstaViewClient(fakes.limited.key, v1(fakes.limited));
    // Start at the top of a window, so the budget of 2 and the 3rd call share one window.
    await limited.request('GET', '/jobs?limit=1');
    const reset = Number(limited.lastResponse.headers.get('X-RateLimit-Reset-Minute'));
    await sleep(Math.max(0, reset * 1000 - Date.now()) + 20);
    await limited.request('GET', '/jobs?limit=1');
    await limited.request('GET', '/jobs?limit=1');
    const seen = [];
    const started = Date.now();
    const jobs = await retryWithBackoff(async () => {
      try {
        return await limited.request('GET', '/jobs?limit=1');
      } catch (error) {
        seen.push(error);
        throw error;
      }
    });
    const waited = Date.now() - started;
    assert.ok(Array.isArray(jobs.data), 'the retried call returns the page');
    assert.equal(seen.length, 1, `errors met: ${seen.map((e) => e.code)}`);
    const [error] = seen;
    assert.ok(error instanceof RateLimitError, String(error));
    assert.equal(error.statusCode, 429);
    assert.equal(typeof error.details.retryAfter, 'number');
    assert.ok(error.details.retryAfter > 0 && error.details.retryAfter <= 1.5);
    assert.equal(error.details.limit, 2);
    assert.equal(error.details.window, 'minute');
    assert.ok(waited >= error.details.retryAfter * 1000 - 5, `waited ${waited} ms`);
  },
};

let failed = 0;
for (const [name, run] of Object.entries(cases)) {
  try {
    await run();
    console.log(`ok ${name}`);
  } catch (error) {
    failed += 1;
    console.log(`not ok ${name}: ${String(error.message || error).split('\n').join(' ')}`);
  }
}
process.exit(failed ? 1 : 0);
