import type { TokenRole } from '../store/repos';

/**
 * What an API token may do. Every route declares one permission (or `public`); a role is the set of permissions
 * below. The router, the OpenAPI document and the permission test all read this table.
 */
export const PERMISSIONS = {
  'session:read': 'See the token the request is made with',
  'connectors:read': 'List connectors and read their settings schemas',
  'connections:read': 'List and show connections (secrets are never shown)',
  'connections:write': 'Create, update, delete and check connections',
  'mappings:read': 'List and show mappings',
  'mappings:write': 'Save mapping versions (compiled and checked against their fixtures first)',
  'mappings:preview': 'Evaluate a mapping against sample records',
  'flows:read': 'List and show flows',
  'flows:write': 'Create, update and delete flows',
  'flows:operate': 'Enable and disable flows, start runs and dry runs',
  'templates:read': 'List and show templates',
  'templates:enable': 'Enable a template with chosen connections',
  'runs:read': 'List and show runs with their per-record failures',
  'deadLetters:read': 'List and show dead letters',
  'deadLetters:replay': 'Replay dead letters through the current mapping',
  'deadLetters:discard': 'Set dead letters aside for good, with a note (audited)',
  'audit:read': 'Read the audit log',
  'tokens:manage': 'Create, list and revoke API tokens',
} as const;

export type Permission = keyof typeof PERMISSIONS;

/** A route anyone may call, without a token (the OpenAPI document and its reference page). */
export const PUBLIC = 'public';
export type RoutePermission = Permission | typeof PUBLIC;

export const ROLES: readonly TokenRole[] = ['admin', 'engineer', 'marketer', 'viewer'];

const ALL = Object.keys(PERMISSIONS) as Permission[];

const READ: Permission[] = [
  'session:read',
  'connectors:read',
  'connections:read',
  'mappings:read',
  'flows:read',
  'templates:read',
  'runs:read',
  'deadLetters:read',
];

export const ROLE_PERMISSIONS: Record<TokenRole, ReadonlySet<Permission>> = {
  /** Everything, tokens and the audit log included. */
  admin: new Set(ALL),
  /** Builds integrations: connectors, connections, mappings, flows, runs and dead letters. */
  engineer: new Set(ALL.filter((p) => p !== 'tokens:manage' && p !== 'audit:read')),
  /** Runs integrations: enables templates and flows, runs them, watches runs and replays dead letters. */
  marketer: new Set<Permission>([
    'session:read',
    'connectors:read',
    'connections:read',
    'flows:read',
    'flows:operate',
    'templates:read',
    'templates:enable',
    'runs:read',
    'deadLetters:read',
    'deadLetters:replay',
  ]),
  /** Reads, never changes. */
  viewer: new Set(READ),
};

export function roleCan(role: TokenRole, permission: RoutePermission): boolean {
  return permission === PUBLIC || ROLE_PERMISSIONS[role].has(permission);
}

/** The roles that hold a permission, for the OpenAPI document and error messages. */
export function rolesWith(permission: RoutePermission): TokenRole[] {
  return ROLES.filter((role) => roleCan(role, permission));
}

export function isRole(value: string): value is TokenRole {
  return (ROLES as readonly string[]).includes(value);
}
