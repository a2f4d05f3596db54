/**
 * Imported first by the integration tests: outside CI, the real services default to the local ones
 * (redis://127.0.0.1:6379, postgres://hub:hub@127.0.0.1:5432/hub_test). In CI (CI=true) nothing is defaulted, so
 * test/helpers/{postgres,redis}.ts fail the suite when HUB_TEST_DATABASE_URL or HUB_TEST_REDIS_URL is missing.
 */
const inCi = ['true', '1', 'yes'].includes((process.env.CI ?? '').toLowerCase());
if (!inCi) {
  process.env.HUB_TEST_REDIS_URL ||= 'redis://127.0.0.1:6379';
  process.env.HUB_TEST_DATABASE_URL ||= 'postgres://hub:hub@127.0.0.1:5432/hub_test';
}

export {};
