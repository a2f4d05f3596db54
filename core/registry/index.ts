/**
 * The connector registry: built-in connectors discovered by convention (`connectors/<id>/index.ts`) and plugins
 * named in configuration, each validated against the SDK contract before the hub uses it.
 */
export { createRegistry } from './registry';
export type { DescribedConnector, Registry, RegistryLogger, RegistryOptions, RegistryProblem } from './registry';
export { describeConnector, formatAjvErrors, validateDefinition } from './validate';
export type { DefinitionValidation } from './validate';
export { defaultConnectorsDir, findBuiltinModules } from './discover';
export { loadPlugin, PluginRefusedError } from './load-plugin';
export type { LoadedPlugin } from './load-plugin';
export { shareSdkWith } from './sdk-alias';
