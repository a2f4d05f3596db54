import path from 'node:path';
import { loadConfig } from '../../../core/config';

describe('loadConfig', () => {
  it('uses the embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.dataDir).toBe(path.resolve('./data'));
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.sandbox).toBe(true);
    expect(config.plugins).toEqual([]);
    expect(config.logLevel).toBe('info');
    expect(path.basename(config.mappingsDir)).toBe('mappings');
  });

  it('reads every variable from the environment', () => {
    const config = loadConfig({
      HUB_DATA_DIR: '/tmp/hub-x',
      HUB_PORT: '8080',
      HUB_DATABASE_URL: 'postgres://u:p@localhost/db',
      HUB_REDIS_URL: 'redis://localhost:6379',
      HUB_PLUGINS: ' ./a , hub-plugin-b,,',
      HUB_SANDBOX: 'on',
      HUB_LOG_LEVEL: 'DEBUG',
    });
    expect(config).toMatchObject({
      dataDir: '/tmp/hub-x',
      port: 8080,
      databaseUrl: 'postgres://u:p@localhost/db',
      redisUrl: 'redis://localhost:6379',
      plugins: ['./a', 'hub-plugin-b'],
      sandbox: true,
      logLevel: 'debug',
    });
  });

  it('lets flags override the environment', () => {
    expect(loadConfig({ HUB_PORT: '8080' }, { HUB_PORT: '9090' }).port).toBe(9090);
  });

  it.each([
    ['HUB_PORT', 'eighty', 'a port number'],
    ['HUB_PORT', '70000', 'a port number'],
    ['HUB_SANDBOX', 'maybe', '"on" or "off"'],
    ['HUB_DATABASE_URL', 'mysql://x', 'postgres://'],
    ['HUB_REDIS_URL', 'localhost:6379', 'redis://'],
    ['HUB_LOG_LEVEL', 'loud', 'one of fatal'],
  ])('refuses %s=%s with one line naming the variable', (name, value, expects) => {
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
});
