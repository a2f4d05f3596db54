/**
 * The connector conformance kit, published as `connector-hub/sdk/testing`: the rules the hub holds its own
 * connectors to, for a partner to run on a plugin in about ten lines. See plugin.ts for how `hub plugins check`
 * finds a package's sandbox and options.
 */
export {
  checkConnectorConformance,
  describeConnectorConformance,
  formatRuleResult,
  ruleTestName,
  runConnectorConformance,
} from './conformance';
export type {
  ConformanceCheck,
  ConformanceOptions,
  ConformanceReport,
  ConformanceResult,
  ConformanceRule,
  ConformanceTestApi,
  RuleResult,
  RuleStatus,
} from './conformance';
export { conformanceSetupOf, type PluginConformance, type ConformanceSetup } from './plugin';
