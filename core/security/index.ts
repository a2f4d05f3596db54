export {
  Vault,
  VaultError,
  isEnvelope,
  envelopeKeyId,
  generateVaultKey,
  keyFingerprint,
  ENVELOPE_PREFIX,
  type VaultKey,
  type VaultOrigin,
  type VaultErrorCode,
} from './vault';
export {
  loadKeyring,
  parseEncryptionKey,
  decodeKey,
  formatKeyring,
  readKeyFile,
  writeKeyFile,
  KEY_FILE_NAME,
  type Keyring,
  type KeySource,
  type VaultLogger,
} from './keyring';
export {
  secretPaths,
  redact,
  redactEnvelopes,
  encryptSecrets,
  decryptSecrets,
  mapEnvelopes,
  listEnvelopes,
  REDACTED,
  type Settings,
  type AadFor,
} from './secrets';
export { openVault, verifyVault, writeKeyCheck, KEY_CHECK_PREFIX, type OpenVaultOptions } from './open-vault';
export { rotateKeys, type RotationOptions, type RotationResult } from './rotate';
export { keyUsage, reencryptAll, type ReencryptCounts } from './inventory';
export {
  SsrfError,
  assertPublicUrl,
  nonPublicReason,
  parseAllowList,
  type SsrfCode,
  type SsrfOptions,
  type ResolvedAddress,
} from './ssrf';
export { safeFetch, isCredentialHeader, type SafeFetchInit, type SafeFetchOptions } from './http-client';
export { assertOutboundUrlAllowed, checkedLookup, guardedAgent, resolveChecked, vetTarget } from './outbound-guard';
export {
  configureOutbound,
  resetOutbound,
  registerSandboxOrigin,
  isSandboxOrigin,
  type OutboundConfig,
  type Resolver,
} from './outbound-policy';
