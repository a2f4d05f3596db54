/* global module, __dirname */

// In the hub's repository `connector-hub` is not installed under node_modules, so the SDK is mapped to its
// sources. In a partner's own checkout (`npm install` puts connector-hub in node_modules) the mapping is not
// needed: drop moduleNameMapper and the package's "exports" resolve connector-hub/sdk and connector-hub/sdk/testing.
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j|mj|cj)s$': ['@swc/jest', { jsc: { target: 'es2023' }, module: { type: 'commonjs' } }] },
  // nock 15 ships ES modules only: transpile it (not the rest of node_modules) to CommonJS for Jest
  transformIgnorePatterns: ['/node_modules/(?!(nock|@mswjs|@open-draft|outvariant|is-node-process|rettime)/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^connector-hub/sdk$': '<rootDir>/../../core/sdk',
    '^connector-hub/sdk/testing$': '<rootDir>/../../core/sdk/testing',
  },
  testTimeout: 30000,
  maxWorkers: 1,
};
