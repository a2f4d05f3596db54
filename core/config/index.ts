export { loadConfig, type ConfigOverrides } from './load';
export { HubConfig, ENV_VARIABLES } from './schema';
