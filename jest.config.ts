import type { Config } from 'jest';

// Unit and integration tests live under test/, mirroring the source tree.
// @swc/jest transpiles TypeScript (type checking is `npm run typecheck`).
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j|mj|cj)s$': ['@swc/jest', { jsc: { target: 'es2023' }, module: { type: 'commonjs' } }] },
  // nock 15 is published as ES modules only; transpile it (not the rest of node_modules) to CommonJS for Jest,
  // so tests need no --experimental-vm-modules
  transformIgnorePatterns: ['/node_modules/(?!(nock|@mswjs|@open-draft|outvariant|is-node-process|rettime)/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  setupFilesAfterEnv: ['<rootDir>/test/setup/nock-per-file.ts'],
  testTimeout: 30000,
  maxWorkers: 2,
};

// CommonJS export: Node 24 loads this file with its built-in type stripping, no transpiler needed.
module.exports = config;
