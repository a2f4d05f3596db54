import { loadConfig, parsePrivateHosts } from '../../../core/config';
import { ConfigError } from '../../../core/sdk/errors';

/** The message loadConfig throws for `env`, or '' when it accepts it. */
function problemOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
    return '';
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
}

describe('configuration checked at start-up', () => {
  it.each([
    ['HUB_DEFAULT_COUNTRY', 'XX', 'is not an ISO 3166-1 country code'],
    ['HUB_DEFAULT_COUNTRY', 'Russia', 'a two-letter ISO 3166-1 country code'],
    ['HUB_ALLOW_PRIVATE_HOSTS', '999.1.1.1/99', '"999.1.1.1/99" is not a CIDR range'],
    ['HUB_ALLOW_PRIVATE_HOSTS', 'erp.internal,10.0.0.0/33', '"10.0.0.0/33" is not a CIDR range'],
    ['HUB_ALLOW_PRIVATE_HOSTS', '999.1.1.1', 'is neither a host name, an IP address nor a CIDR range'],
    ['HUB_HOST', 'not.a.host', 'an IP address of this machine to listen on'],
    ['HUB_HOST', '300.1.1.1', 'an IP address of this machine to listen on'],
    ['HUB_PUBLIC_URL', 'hub.example.com', 'not a URL'],
    ['HUB_PUBLIC_URL', 'ftp://hub.example.com', 'the scheme must be http:// or https://'],
    ['HUB_CORS_ORIGINS', 'https://admin.example.com/path', 'is not an origin'],
    ['HUB_REDIS_URL', 'localhost:6379', 'redis://'],
    ['HUB_QUEUE_LOCK_MS', '10', 'from 1000 to 3600000'],
  ])('refuses %s=%s, naming the variable and the fix', (name, value, expects) => {
    const message = problemOf({ [name]: value });
    expect(message).toMatch(new RegExp(`^${name}=`));
    expect(message).toContain(expects);
  });

  it('accepts good values and exposes the parsed private hosts', () => {
    const config = loadConfig({
      HUB_DEFAULT_COUNTRY: 'de',
      HUB_HOST: '0.0.0.0',
      HUB_ALLOW_PRIVATE_HOSTS: 'ERP.internal, *.corp.example, 10.20.0.0/16, 192.168.1.5, fd00::/8',
      HUB_PUBLIC_URL: 'https://hub.example.com/',
      HUB_CORS_ORIGINS: 'https://admin.example.com, http://localhost:5173',
    });
    expect(config).toMatchObject({
      defaultCountry: 'DE',
      host: '0.0.0.0',
      publicUrl: 'https://hub.example.com',
      corsOrigins: ['https://admin.example.com', 'http://localhost:5173'],
    });
    expect(parsePrivateHosts(config.allowPrivateHosts)).toEqual({
      value: {
        hosts: ['erp.internal', '*.corp.example'],
        cidrs: ['10.20.0.0/16', '192.168.1.5/32', 'fd00::/8'],
      },
      problems: [],
    });
    expect(loadConfig({ HUB_HOST: '::1' }).host).toBe('::1');
    expect(loadConfig({ HUB_HOST: 'localhost' }).host).toBe('localhost');
  });

  it('never echoes a password or the encryption key', () => {
    const mysql = problemOf({ HUB_DATABASE_URL: 'mysql://user:s3cret-pass@db.example.com/hub' });
    expect(mysql).toContain('HUB_DATABASE_URL="mysql://user:***@db.example.com/hub" is not valid');
    expect(mysql).toContain('postgres://');
    expect(mysql).not.toContain('s3cret-pass');

    const unparsable = problemOf({ HUB_DATABASE_URL: 'postgres//user:s3cret-pass@db' });
    expect(unparsable).toContain('HUB_DATABASE_URL');
    expect(unparsable).not.toContain('s3cret-pass');

    const redis = problemOf({ HUB_REDIS_URL: 'http://:redis-pass@cache:6379' });
    expect(redis).toContain('HUB_REDIS_URL');
    expect(redis).not.toContain('redis-pass');
  });

  it('reports every bad variable in one answer', () => {
    const message = problemOf({
      HUB_PORT: 'eighty',
      HUB_DEFAULT_COUNTRY: 'XX',
      HUB_ALLOW_PRIVATE_HOSTS: '999.1.1.1/99',
      HUB_HOST: 'not.a.host',
      HUB_DATABASE_URL: 'mysql://user:pass@db/hub',
    });
    const lines = message.split('\n');
    expect(lines[0]).toBe('5 configuration problems:');
    for (const name of ['HUB_PORT', 'HUB_DEFAULT_COUNTRY', 'HUB_ALLOW_PRIVATE_HOSTS', 'HUB_HOST', 'HUB_DATABASE_URL'])
      expect(lines.some((line) => line.startsWith(`  - ${name}=`))).toBe(true);
    expect(message).not.toContain(':pass@');
  });
});
