/**
 * Signature helpers a connector's WebhookDefinition.verify / handshake calls. Every comparison is constant-time
 * and every scheme with a signed timestamp has a replay window.
 */
export * from './common';
export * from './hubspot';
export * from './mailchimp';
export * from './meta';
export * from './sendgrid';
