import { isEcho, restrictToOwned } from '../../../core/runner/conflict';
import {
  contentHash,
  fieldHashes,
  modifiedAtOf,
  pickPaths,
  sourceKeyOf,
  stableStringify,
} from '../../../core/runner/hashing';
import { backoffDelay } from '../../../core/runner/retry';
import { identifierHash, suppressionCandidates } from '../../../core/runner/suppression';
import { PermanentError } from '../../../core/sdk';
import type { RecordLink } from '../../../core/store';

const link = (fields: Partial<RecordLink>): RecordLink => ({
  id: 'lnk',
  linkGroup: 'g',
  entityId: 'ent',
  entity: 'contacts',
  connectionId: 'con',
  externalId: 'x1',
  createdAt: 0,
  updatedAt: 0,
  ...fields,
});

describe('hashing', () => {
  it('hashes content, not key order; undefined properties do not count', () => {
    expect(stableStringify({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"x":1,"y":2}]},"b":1}',
    );
    expect(contentHash({ a: 1, b: 2 })).toBe(contentHash({ b: 2, a: 1 }));
    expect(contentHash({ a: 1 })).not.toBe(contentHash({ a: '1' }));
    expect(contentHash({ a: 1 })).toMatch(/^[0-9a-f]{32}$/);
  });

  it('keys records by their identity fields; a missing identity is a permanent error naming the field', () => {
    expect(sourceKeyOf({ id: 7 }, ['id'])).toBe('7');
    expect(sourceKeyOf({ org: 'o', user: { id: 'u' } }, ['org', 'user.id'])).toBe('["o","u"]');
    expect(() => sourceKeyOf({ id: '' }, ['id'])).toThrow(PermanentError);
    expect(() => sourceKeyOf({}, ['email'])).toThrow(/identity field "email"/);
  });

  it('reads modification times as epoch ms or ISO dates', () => {
    expect(modifiedAtOf({ t: 1000 }, 't')).toBe(1000);
    expect(modifiedAtOf({ t: '2024-01-01T00:00:00Z' }, 't')).toBe(Date.UTC(2024, 0, 1));
    expect(modifiedAtOf({ t: 'soon' }, 't')).toBeUndefined();
    expect(modifiedAtOf({ t: 1 }, undefined)).toBeUndefined();
  });

  it('picks dot paths and restricts payloads to owned fields', () => {
    expect(pickPaths({ a: { b: 1, c: 2 }, d: 3 }, ['a.b', 'x'])).toEqual({ a: { b: 1 } });
    expect(restrictToOwned({ email: 'e', name: 'n', status: 's' }, ['status', 'email'])).toEqual({
      email: 'e',
      status: 's',
    });
    expect(restrictToOwned({ name: 'n' }, undefined)).toEqual({ name: 'n' });
  });
});

describe('echo detection', () => {
  const written = { email: 'a@x.io', name: 'Ann' };
  const record = { id: 'x1', email: 'a@x.io', name: 'Ann', phone: '1', updatedAt: 5 };
  const fields = fieldHashes(record, 'updatedAt');
  const echoLink = link({ lastWrittenHash: contentHash(written), lastWrittenFields: ['email', 'name'] });

  it('is an echo when the written fields read back as written and nothing else changed since the last read', () => {
    expect(isEcho(echoLink, record, fields)).toBe(true);
    const lastRead = fieldHashes({ ...record, name: 'Old', updatedAt: 1 }, 'updatedAt');
    expect(isEcho({ ...echoLink, lastReadFields: lastRead }, record, fields)).toBe(true);
  });

  it('is not an echo when a written field differs, another field changed, or nothing was written', () => {
    const changed = { ...record, name: 'Anna' };
    expect(isEcho(echoLink, changed, fieldHashes(changed, 'updatedAt'))).toBe(false);
    const lastRead = fieldHashes({ ...record, phone: '0' }, 'updatedAt');
    expect(isEcho({ ...echoLink, lastReadFields: lastRead }, record, fields)).toBe(false);
    expect(isEcho(link({}), record, fields)).toBe(false);
    expect(isEcho(undefined, record, fields)).toBe(false);
  });
});

describe('backoff and suppression hashes', () => {
  it('grows exponentially with jitter, capped, and never waits less than the vendor asked', () => {
    expect(backoffDelay(1, { baseMs: 100 }, () => 0)).toBe(50);
    expect(backoffDelay(1, { baseMs: 100 }, () => 0.999)).toBe(100);
    expect(backoffDelay(4, { baseMs: 100 }, () => 0)).toBe(400);
    expect(backoffDelay(30, { baseMs: 100, maxMs: 1000 }, () => 0.999)).toBe(1000);
    expect(backoffDelay(1, { baseMs: 100 }, () => 0, 5000)).toBe(5000);
  });

  it('hashes identifiers normalised and finds e-mail addresses anywhere in a record', () => {
    expect(identifierHash(' Ann@Example.COM ')).toBe(identifierHash('ann@example.com'));
    const hashes = suppressionCandidates({ contact: { emails: ['b@x.io'] } }, { email: 'C@x.io' }, ['id-1', undefined]);
    expect(hashes).toEqual(
      expect.arrayContaining([identifierHash('b@x.io'), identifierHash('c@x.io'), identifierHash('id-1')]),
    );
    expect(hashes).toHaveLength(3);
  });
});
