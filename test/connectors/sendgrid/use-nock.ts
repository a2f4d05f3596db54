import nock from 'nock';

/**
 * nock for the SendGrid hosts in one test file. Jest runs several files in one worker, and nock patches Node's
 * HTTP globally: each file activates it and restores it when done, so no file's interceptors (or its
 * "no network" rule) leak into the next one. 127.0.0.1 stays reachable for tests that also use a local server.
 */
export function useNock(): void {
  beforeAll(() => {
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });
}
