/**
 * The Graph / Marketing API version every request names, in this one place. v27.0 is the newest Marketing API
 * version (released 2026-11-04, [doc] vendor-apis.md §5b); Marketing API versions expire sooner than Graph ones
 * (v24 on 2026-11-10, v25 on 2027-02-23), so move this constant on with each release. A connection may pin another
 * version in its `graphVersion` setting.
 */
export const GRAPH_VERSION = 'v27.0';

/** Where Meta's Graph API lives; a connection points `baseUrl` at a sandbox instead. */
export const GRAPH_BASE_URL = 'https://graph.facebook.com';
