import type { Config } from 'jest';

// Unit and integration tests live under test/, mirroring the source tree.
// @swc/jest transpiles TypeScript (type checking is `npm run typecheck`).
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2023' }, module: { type: 'commonjs' } }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 30000,
  maxWorkers: 2,
};

// CommonJS export: Node 24 loads this file with its built-in type stripping, no transpiler needed.
module.exports = config;
