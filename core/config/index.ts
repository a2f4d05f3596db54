export { loadConfig, type ConfigOverrides } from './load';
export { HubConfig, ENV_VARIABLES } from './schema';
export { parsePrivateHosts, type PrivateHosts } from './private-hosts';
export { maskUrlPassword } from './load';
