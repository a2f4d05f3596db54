/**
 * The connector SDK: the public contract between the hub and every connector, built-in or plugin.
 * Plugins import it as `connector-hub/sdk`.
 */
export * from './contracts';
export * from './define';
export * from './errors';
export * from './http';
// one door: Meta's and Google's identifier rules (the mapping standard library's), for connectors that hash raw values
export * from './identifiers';
export * from './oauth';
export { axiosAdapter, type AxiosAdapterConfig, type AxiosAdapterResponse } from './axios-adapter';
export { SsrfError, type SsrfCode } from '../security/ssrf';
export { SDK_VERSION } from './version';
// one door: the webhook signature primitives (HMAC, ECDSA, timestamp windows) built-ins and plugins verify with
export * from '../webhooks/signatures';
// one door: the sandbox kit (route server, vendor limits, seeding) every connector's sandbox is built from; in the
// main entry, not /testing, because a sandbox is runtime code (`hub demo`, the first-start workspace run them)
export * from '../sandbox';
