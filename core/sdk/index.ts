/**
 * The connector SDK: the public contract between the hub and every connector, built-in or plugin.
 * Plugins import it as `connector-hub/sdk`.
 */
export * from './contracts';
export * from './define';
export * from './errors';
export * from './http';
export { axiosAdapter, type AxiosAdapterConfig, type AxiosAdapterResponse } from './axios-adapter';
export { SsrfError, type SsrfCode } from '../security/ssrf';
export { SDK_VERSION } from './version';
