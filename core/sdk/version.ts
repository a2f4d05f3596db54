/**
 * Version of the connector SDK contract (semver). A plugin declares the range it needs in its
 * manifest; the registry refuses a plugin whose range does not include this version.
 * Breaking changes (removing or renaming a field, changing a signature) bump the major version.
 */
export const SDK_VERSION = '1.3.0';
