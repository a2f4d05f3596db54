import { loadConfig } from '../../../core/config';
import { ENV_VARIABLES, HubConfig } from '../../../core/config/schema';

/** HUB_QUEUE_LOCK_MS and HUB_QUEUE_PREFIX: parsed, validated, documented; unset means the drivers' defaults. */
describe('queue settings in the configuration', () => {
  it('leaves both unset by default (the queue drivers use 30000 ms and "hub")', () => {
    const config = loadConfig({});
    expect(config.queueLockMs).toBeUndefined();
    expect(config.queuePrefix).toBeUndefined();
  });

  it('reads the lock duration and the key prefix from the environment', () => {
    const config = loadConfig({ HUB_QUEUE_LOCK_MS: ' 5000 ', HUB_QUEUE_PREFIX: 'hub-staging' });
    expect(config.queueLockMs).toBe(5000);
    expect(config.queuePrefix).toBe('hub-staging');
    expect(loadConfig({ HUB_QUEUE_PREFIX: 'acme:{hub}' }).queuePrefix).toBe('acme:{hub}');
  });

  it.each([
    ['HUB_QUEUE_LOCK_MS', 'soon', 'a whole number of milliseconds'],
    ['HUB_QUEUE_LOCK_MS', '2.5', 'a whole number of milliseconds'],
    ['HUB_QUEUE_LOCK_MS', '-1000', 'a whole number of milliseconds'],
    ['HUB_QUEUE_LOCK_MS', '999', 'from 1000 to 3600000'],
    ['HUB_QUEUE_LOCK_MS', '3600001', 'from 1000 to 3600000'],
    ['HUB_QUEUE_PREFIX', 'has space', 'letters, digits'],
    ['HUB_QUEUE_PREFIX', ':leading-colon', 'starting with a letter or digit'],
    ['HUB_QUEUE_PREFIX', 'x'.repeat(65), 'up to 64'],
  ])('refuses %s=%s with one line naming the variable and what it expects', (name, value, expects) => {
    let message = '';
    try {
      loadConfig({ [name]: value });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(name);
    expect(message).toContain(expects);
    expect(message).not.toContain('\n');
  });

  it('documents both settings', () => {
    expect(ENV_VARIABLES.HUB_QUEUE_LOCK_MS.key).toBe('queueLockMs');
    expect(ENV_VARIABLES.HUB_QUEUE_PREFIX.key).toBe('queuePrefix');
    expect(HubConfig.properties.queueLockMs.description).toMatch(/killed worker/);
    expect(HubConfig.properties.queuePrefix.description).toMatch(/two hubs can share one Redis/);
  });
});
