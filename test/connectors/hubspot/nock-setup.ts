import nock from 'nock';

/**
 * nock for a test file: no network while it runs, and nock's interceptors removed afterwards, so the next test
 * file in this jest worker (which shares Node's http module) talks to its local sandboxes unhindered.
 */
export function setupNock(): void {
  beforeAll(() => {
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });
}
