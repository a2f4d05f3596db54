import { configureOutbound, resetOutbound } from '../../core/security/outbound-policy';

/**
 * For a test file whose connectors talk to a server the test itself runs on 127.0.0.1 (not a hub sandbox): allows
 * 127.0.0.1 in the outbound door (as HUB_ALLOW_PRIVATE_HOSTS=127.0.0.1 would) while the file runs, then resets it.
 * Production is not affected: the allowance is in-process state set by code, never by a connection's settings.
 */
export function allowLoopbackForTests(): void {
  beforeAll(() => configureOutbound({ allowPrivateHosts: ['127.0.0.1'] }));
  afterAll(() => resetOutbound());
}
