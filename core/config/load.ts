import path from 'node:path';
import { Ajv } from 'ajv';
import { isSupportedCountry } from 'libphonenumber-js';
import { projectRoot } from '../paths';
import { ConfigError } from '../sdk/errors';
import { isIpAddress, parsePrivateHosts } from './private-hosts';
import { ENV_VARIABLES, HubConfig } from './schema';

type EnvName = keyof typeof ENV_VARIABLES;
/** Flags given on the command line; they win over the environment. */
export type ConfigOverrides = Partial<Record<EnvName, string>>;

const validate = new Ajv({ allErrors: true, strict: false }).compile(HubConfig);

/** Variables whose value is never shown, not even in part. */
const SECRET_VARIABLES = new Set<EnvName>(['HUB_ENCRYPTION_KEY']);
/** Variables holding a URL whose password is masked when shown. */
const URL_VARIABLES = new Set<EnvName>(['HUB_DATABASE_URL', 'HUB_REDIS_URL', 'HUB_PUBLIC_URL']);

/** A URL with its password (and a bare `user:pass@` that does not parse) replaced by `***`. */
export function maskUrlPassword(text: string): string {
  try {
    const url = new URL(text);
    if (url.password !== '') {
      url.password = '***';
      return url.toString().replace(/\/$/, text.endsWith('/') ? '/' : '');
    }
    return text;
  } catch {
    return text.replace(/\/\/([^/@:]*):[^@/]*@/, '//$1:***@');
  }
}

/** How a variable's value is quoted in a message: secrets never, URLs without their password. */
function shown(name: EnvName, raw: string): string {
  if (SECRET_VARIABLES.has(name)) return name;
  return `${name}=${JSON.stringify(URL_VARIABLES.has(name) ? maskUrlPassword(raw) : raw)}`;
}

class Problems {
  readonly list: { name: EnvName; message: string }[] = [];
  add(name: EnvName, raw: string, detail?: string): void {
    const { expects } = ENV_VARIABLES[name];
    this.list.push({ name, message: `${shown(name, raw)} is not valid: ${detail ?? `expected ${expects}`}` });
  }
}

const list = (raw: string) =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

function urlProblem(raw: string, protocols: string[]): string | undefined {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return 'not a URL';
  }
  if (!protocols.includes(url.protocol)) return `the scheme must be ${protocols.map((p) => `${p}//`).join(' or ')}`;
  if (url.hostname === '') return 'the URL has no host';
  return undefined;
}

/** Parses one variable; a bad value adds a problem (naming the variable and the fix) and returns undefined. */
function parseValue(name: EnvName, raw: string, problems: Problems): unknown {
  const { expects } = ENV_VARIABLES[name];
  const text = raw.trim();
  const bad = (detail?: string) => {
    problems.add(name, raw, detail === undefined ? undefined : `${detail}; expected ${expects}`);
    return undefined;
  };
  switch (name) {
    case 'HUB_PORT':
    case 'HUB_QUEUE_LOCK_MS':
      return /^\d+$/.test(text) ? Number(text) : bad();
    case 'HUB_SANDBOX':
    case 'HUB_DATABASE_PREPARED': {
      const v = text.toLowerCase();
      if (['on', 'true', '1', 'yes'].includes(v)) return true;
      if (['off', 'false', '0', 'no', ''].includes(v)) return false;
      return bad();
    }
    case 'HUB_HOST':
      // an interface to listen on: an address of this machine (or localhost); a name is looked up only at listen
      return isIpAddress(text) || text.toLowerCase() === 'localhost' ? text : bad();
    case 'HUB_DATABASE_URL': {
      const problem = urlProblem(text, ['postgres:', 'postgresql:']);
      return problem === undefined ? text : bad(problem);
    }
    case 'HUB_REDIS_URL': {
      const problem = urlProblem(text, ['redis:', 'rediss:']);
      return problem === undefined ? text : bad(problem);
    }
    case 'HUB_PUBLIC_URL': {
      const problem = urlProblem(text, ['http:', 'https:']);
      return problem === undefined ? text.replace(/\/+$/, '') : bad(problem);
    }
    case 'HUB_CORS_ORIGINS': {
      const origins = list(raw);
      const wrong = origins.filter((o) => {
        try {
          const url = new URL(o);
          return !['http:', 'https:'].includes(url.protocol) || url.origin !== o.replace(/\/$/, '');
        } catch {
          return true;
        }
      });
      if (wrong.length > 0)
        return bad(`${wrong.map((o) => JSON.stringify(o)).join(', ')} is not an origin (scheme://host[:port])`);
      return origins.map((o) => o.replace(/\/$/, ''));
    }
    case 'HUB_ALLOW_PRIVATE_HOSTS': {
      const entries = list(raw);
      const parsed = parsePrivateHosts(entries);
      return parsed.problems.length > 0 ? bad(parsed.problems.join('; ')) : entries;
    }
    case 'HUB_PLUGINS':
      return list(raw);
    case 'HUB_LOG_LEVEL':
      return text.toLowerCase();
    case 'HUB_DEFAULT_COUNTRY': {
      const code = text.toUpperCase();
      if (!/^[A-Z]{2}$/.test(code)) return bad();
      return isSupportedCountry(code) ? code : bad(`"${code}" is not an ISO 3166-1 country code`);
    }
    default:
      return text;
  }
}

/** One line for one problem; a list headed by the count for several, each naming its variable. */
function configError(problems: Problems): ConfigError {
  const [first] = problems.list;
  if (problems.list.length === 1) return new ConfigError(first.message, { field: first.name });
  return new ConfigError(
    `${problems.list.length} configuration problems:\n${problems.list.map((p) => `  - ${p.message}`).join('\n')}`,
    { field: first.name },
  );
}

/**
 * Reads the configuration from the environment, with overrides from flags, and validates every variable at once.
 * Bad values throw one ConfigError listing each problem: the variable, its value (never a secret, URLs without
 * their password) and what it expects.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): HubConfig {
  const values: Record<string, unknown> = {};
  const problems = new Problems();
  const given = new Map<string, { name: EnvName; raw: string }>();
  for (const name of Object.keys(ENV_VARIABLES) as EnvName[]) {
    const spec = ENV_VARIABLES[name];
    const value = overrides[name] ?? env[name];
    const raw = value === undefined || value === '' ? spec.fallback : value;
    if (raw === undefined) continue;
    given.set(spec.key, { name, raw });
    const parsed = parseValue(name, raw, problems);
    if (parsed !== undefined) values[spec.key] = parsed;
  }
  values.dataDir = path.resolve(String(values.dataDir ?? ENV_VARIABLES.HUB_DATA_DIR.fallback));
  values.mappingsDir = path.resolve(String(values.mappingsDir ?? path.join(projectRoot(), 'mappings')));
  values.flowsDir = path.resolve(String(values.flowsDir ?? path.join(projectRoot(), 'flows')));
  if (!validate(values)) {
    const reported = new Set(problems.list.map((p) => ENV_VARIABLES[p.name].key as string));
    for (const error of validate.errors ?? []) {
      const key = error.instancePath.replace(/^\//, '').split('/')[0] ?? '';
      if (reported.has(key) || key === '') continue; // already reported, or a value the parser dropped
      reported.add(key);
      const source = given.get(key);
      if (source) problems.add(source.name, source.raw);
    }
  }
  if (problems.list.length > 0) throw configError(problems);
  return values as HubConfig;
}
