import { Writable } from 'node:stream';
import { createLogger, registerSecretValue } from '../../../core/logging/logger';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination }) };
}

describe('logger redaction', () => {
  it('removes secret and personal fields wherever they sit', () => {
    const { lines, logger } = capture();
    logger.info(
      { connection: { settings: { apiKey: 'k-123456' } }, record: { email: 'a@b.c' }, apiKey: 'zzz' },
      'hello',
    );
    const out = lines.join('');
    expect(out).toContain('hello');
    expect(out).not.toContain('k-123456');
    expect(out).not.toContain('a@b.c');
    expect(out).not.toContain('zzz');
  });

  it('scrubs a registered secret value even inside a message', () => {
    const { lines, logger } = capture();
    const canary = 'canary-' + Math.random().toString(36).slice(2);
    registerSecretValue(canary);
    logger.error({ err: `request failed with key ${canary}` }, `oops ${canary}`);
    const out = lines.join('');
    expect(out).toContain('oops [secret]');
    expect(out).not.toContain(canary);
  });
});
