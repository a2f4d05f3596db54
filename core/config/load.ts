import path from 'node:path';
import { Ajv } from 'ajv';
import { projectRoot } from '../paths';
import { ConfigError } from '../sdk/errors';
import { ENV_VARIABLES, HubConfig } from './schema';

type EnvName = keyof typeof ENV_VARIABLES;
/** Flags given on the command line; they win over the environment. */
export type ConfigOverrides = Partial<Record<EnvName, string>>;

const validate = new Ajv({ allErrors: false, strict: false }).compile(HubConfig);

function parseValue(name: EnvName, raw: string): unknown {
  const { expects } = ENV_VARIABLES[name];
  const bad = () =>
    new ConfigError(`${name}=${JSON.stringify(raw)} is not valid: expected ${expects}`, { field: name });
  switch (name) {
    case 'HUB_PORT':
    case 'HUB_QUEUE_LOCK_MS': {
      if (!/^\d+$/.test(raw.trim())) throw bad();
      return Number(raw.trim());
    }
    case 'HUB_SANDBOX': {
      const v = raw.trim().toLowerCase();
      if (['on', 'true', '1', 'yes'].includes(v)) return true;
      if (['off', 'false', '0', 'no', ''].includes(v)) return false;
      throw bad();
    }
    case 'HUB_PLUGINS':
    case 'HUB_ALLOW_PRIVATE_HOSTS':
    case 'HUB_CORS_ORIGINS':
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
    case 'HUB_LOG_LEVEL':
      return raw.trim().toLowerCase();
    case 'HUB_DEFAULT_COUNTRY':
      return raw.trim().toUpperCase();
    default:
      return raw.trim();
  }
}

/**
 * Reads the configuration from the environment, with overrides from flags, and validates it.
 * A bad value throws a ConfigError whose message is one line naming the variable and what it expects.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): HubConfig {
  const values: Record<string, unknown> = {};
  for (const name of Object.keys(ENV_VARIABLES) as EnvName[]) {
    const spec = ENV_VARIABLES[name];
    const given = overrides[name] ?? env[name];
    const raw = given === undefined || given === '' ? spec.fallback : given;
    if (raw === undefined) continue;
    values[spec.key] = parseValue(name, raw);
  }
  values.dataDir = path.resolve(String(values.dataDir));
  values.mappingsDir = path.resolve(String(values.mappingsDir ?? path.join(projectRoot(), 'mappings')));
  values.flowsDir = path.resolve(String(values.flowsDir ?? path.join(projectRoot(), 'flows')));
  if (!validate(values)) {
    const error = validate.errors?.[0];
    const key = error?.instancePath.replace(/^\//, '').split('/')[0] ?? '';
    const entry = Object.entries(ENV_VARIABLES).find(([, spec]) => spec.key === key);
    const name = entry?.[0] ?? key;
    const expects = entry?.[1].expects ?? error?.message ?? 'a valid value';
    throw new ConfigError(`${name}=${JSON.stringify(String(values[key] ?? ''))} is not valid: expected ${expects}`, {
      field: name,
    });
  }
  return values as HubConfig;
}
