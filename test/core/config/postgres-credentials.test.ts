import { pgUrl } from '../../helpers/postgres';
import { openStore } from '../../../core/store';
import { postgresConnectError } from '../../../core/store/open';
import { ConfigError } from '../../../core/sdk/errors';

/** Start-up against PostgreSQL with a wrong password or database: told apart from "cannot reach", never echoed. */

describe('postgresConnectError', () => {
  const failure = (code: string, message: string) => Object.assign(new Error(message), { code });
  it.each([
    ['28P01', 'password authentication failed for user "hub"', 'PostgreSQL refused the password'],
    ['28000', 'no pg_hba.conf entry for host', 'PostgreSQL refused the login'],
    ['3D000', 'database "x" does not exist', 'createdb'],
    ['ENOTFOUND', 'getaddrinfo ENOTFOUND db', 'cannot find the PostgreSQL host'],
    ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432', 'cannot reach PostgreSQL'],
  ])('%s → %s', (code, message, expected) => {
    const error = postgresConnectError(failure(code, message), 'postgres://hub:***@db/hub');
    expect(error.message).toContain(expected);
    expect(error.message).toContain('HUB_DATABASE_URL');
  });
});

// with PostgreSQL running (HUB_TEST_DATABASE_URL; CI always sets it): the real server's answers
const describePg = (name: string, fn: () => void) => {
  for (const url of pgUrl ? [pgUrl] : []) describe(`${name} (${new URL(url).host})`, fn);
};

async function openError(databaseUrl: string): Promise<Error> {
  try {
    const store = await openStore({ databaseUrl, dataDir: '/nonexistent' });
    await store.close();
  } catch (error) {
    return error as Error;
  }
  throw new Error('openStore accepted the URL');
}

describePg('opening PostgreSQL with bad credentials', () => {
  it('reports a wrong password as such, naming HUB_DATABASE_URL, without the password', async () => {
    const url = new URL(pgUrl!);
    url.password = 'definitely-wrong-password';
    const error = await openError(url.toString());
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('PostgreSQL refused the password');
    expect(error.message).toContain('HUB_DATABASE_URL');
    expect(error.message).not.toContain('cannot reach');
    expect(error.message).not.toContain('definitely-wrong-password');
  });

  it('reports a missing database with the fix', async () => {
    const url = new URL(pgUrl!);
    url.pathname = '/no_such_database_for_hub';
    const error = await openError(url.toString());
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('no_such_database_for_hub');
    expect(error.message).toContain('createdb');
  });

  it('still says "cannot reach" when nothing listens', async () => {
    const url = new URL(pgUrl!);
    url.port = '1';
    const error = await openError(url.toString());
    expect(error.message).toContain('cannot reach PostgreSQL');
    expect(error.message).not.toContain(new URL(pgUrl!).password + '@');
  });
});
