/**
 * The connector conformance kit, published as `connector-hub/sdk/testing`: the checks the hub runs on its own
 * connectors, for a partner to run on a plugin in about ten lines.
 */
export { checkConnectorConformance, describeConnectorConformance, runConnectorConformance } from './conformance';
export type { ConformanceCheck, ConformanceOptions, ConformanceResult, ConformanceTestApi } from './conformance';
