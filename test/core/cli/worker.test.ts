import { EventEmitter, once } from 'node:events';
import { main } from '../../../core/cli/main';
import { CliBed } from './helpers';

describe('hub worker (in-process)', () => {
  let bed: CliBed;

  beforeEach(() => {
    bed = new CliBed();
  });
  afterEach(() => bed.cleanup());

  it('starts the worker and the scheduler, and stops gracefully on SIGTERM', async () => {
    const started = new EventEmitter();
    const othersBefore = process.rawListeners('SIGTERM');
    let stdout = '';
    const exit = main(['node', 'hub', 'worker', '--concurrency', '1'], {
      out: (text) => {
        stdout += `${text}\n`;
        if (text.startsWith('worker started')) started.emit('started');
      },
      err: (text) => {
        stdout += `ERR ${text}\n`;
      },
    });
    await Promise.race([once(started, 'started'), exit]);
    expect(stdout).toMatch(/^worker started \(queue: embedded, concurrency 1, scheduler on\)/);
    // only the worker's own listener gets the signal
    for (const listener of process.rawListeners('SIGTERM').filter((l) => !othersBefore.includes(l))) {
      (listener as (signal: string) => void)('SIGTERM');
    }
    expect(await exit).toBe(0);
    expect(stdout).toContain('worker stopped');
    expect(process.rawListeners('SIGTERM')).toEqual(othersBefore);
  });

  it('refuses a bad concurrency with one line', async () => {
    const result = await bed.hub('worker', '--concurrency', 'lots');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('error: --concurrency must be a whole number from 1 to 64\n');
  });
});
