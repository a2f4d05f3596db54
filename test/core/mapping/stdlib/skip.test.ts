import { compileMapping } from '../../../../core/mapping';
import { isSkipMarker } from '../../../../core/mapping/stdlib';
import { run, runError } from './helpers';

describe('$skip', () => {
  it('returns a skip marker with the reason', async () => {
    const value = await run('consent ? { "email": email } : $skip("no consent")', { email: 'a@b.c', consent: false });
    expect(value).toEqual({ $skip: 'no consent' });
    expect(isSkipMarker(value)).toBe(true);
  });

  it('gives a default reason when none is given', async () => {
    expect(await run('$skip()')).toEqual({ $skip: 'skipped by the mapping' });
  });

  it('is not validated against the target schema, while a real output still is', async () => {
    const mapping = compileMapping({
      id: 'skip-schema',
      expression: 'ok ? { "email": 1 } : $skip("not for this target")',
      target: { schema: { type: 'object', properties: { email: { type: 'string' } }, required: ['email'] } },
    });
    expect(await mapping.evaluate({ ok: false })).toEqual({ ok: true, value: { $skip: 'not for this target' } });
    const invalid = await mapping.evaluate({ ok: true });
    expect(invalid.ok).toBe(false);
  });

  it('an accidentally empty result is still an error, never a silent skip', async () => {
    expect((await runError('missing.field')).code).toBe('output.empty');
  });

  it('an object that merely contains $skip among other keys is an output, not a marker', () => {
    expect(isSkipMarker({ $skip: 'x', email: 'a@b.c' })).toBe(false);
    expect(isSkipMarker({ $skip: 3 })).toBe(false);
  });
});
