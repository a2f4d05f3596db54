/** The partner kit's generator: `hub plugins new` scaffolds a connector package from these templates. */
export { connectorIdFor, displayNameFor, hubPackageRoot, scaffoldPlugin } from './scaffold';
export type { ScaffoldOptions, ScaffoldResult } from './scaffold';
