import path from 'node:path';
import type { ConnectorInfo } from '../sdk/contracts';
import type { ConnectorDefinition, ConnectorLogger } from '../sdk/define';
import { ConfigError } from '../sdk/errors';
import { defaultConnectorsDir, findBuiltinModules, loadBuiltin } from './discover';
import { loadPlugin, PluginRefusedError } from './load-plugin';
import { validateDefinition } from './validate';

export type RegistryLogger = Pick<ConnectorLogger, 'debug' | 'info' | 'warn'>;

export interface RegistryOptions {
  /** npm package names or local folders (absolute, or relative to `cwd`), from configuration. */
  plugins: string[];
  /** Where relative plugin paths and node_modules lookups start; defaults to process.cwd(). */
  cwd?: string;
  logger?: RegistryLogger;
  /** Folder of the built-in connectors; defaults to `connectors/` beside the hub (tests point it elsewhere). */
  connectorsDir?: string;
}

/** A connector or plugin that was refused; the hub keeps running with the rest. */
export interface RegistryProblem {
  /** `connectors/<folder>` for a built-in, the configured name or path for a plugin. */
  source: string;
  message: string;
}

/** ConnectorInfo plus where the connector came from: `builtin` or the plugin's package name. */
export type DescribedConnector = ConnectorInfo & { source: string; sdkVersion?: string };

export interface Registry {
  /** Every loaded connector: built-ins by id, then plugins in configuration order. */
  list(): ConnectorDefinition[];
  has(id: string): boolean;
  /** Throws ConfigError "unknown connector X; installed: a, b" when missing. */
  get(id: string): ConnectorDefinition;
  /** The JSON-serialisable description the CLI, API and UI show. */
  describe(id: string): DescribedConnector;
  readonly problems: readonly RegistryProblem[];
}

interface Entry {
  definition: ConnectorDefinition;
  described: DescribedConnector;
  /** For messages: "builtin (connectors/file)" or "plugin acme-hub-plugin". */
  origin: string;
}

const silent: RegistryLogger = { debug() {}, info() {}, warn() {} };

export async function createRegistry(options: RegistryOptions): Promise<Registry> {
  const cwd = options.cwd ?? process.cwd();
  const log = options.logger ?? silent;
  const connectorsDir = options.connectorsDir ?? defaultConnectorsDir();
  const entries = new Map<string, Entry>();
  const problems: RegistryProblem[] = [];

  const refuse = (source: string, message: string): void => {
    problems.push({ source, message });
    log.warn({ source }, message);
  };

  interface Candidate {
    /** For RegistryProblem.source. */
    source: string;
    /** Starts every refusal message: "built-in connector connectors/x", "plugin acme (./acme)". */
    label: string;
    /** DescribedConnector.source: 'builtin' or the package name. */
    provider: string;
    /** How a later duplicate names this one. */
    origin: string;
    /** Built-ins: the folder name, which must be the id. */
    expectedId?: string;
  }

  const admit = (value: unknown, candidate: Candidate): void => {
    const { source, label } = candidate;
    const { problems: found, definition, info } = validateDefinition(value);
    if (definition === undefined || info === undefined) {
      refuse(source, `${label} refused: invalid definition: ${found.join('; ')}`);
      return;
    }
    if (candidate.expectedId !== undefined && definition.id !== candidate.expectedId) {
      refuse(
        source,
        `${label} refused: it defines id "${definition.id}"; a built-in connector's folder must be named after its id`,
      );
      return;
    }
    const existing = entries.get(definition.id);
    if (existing !== undefined) {
      refuse(source, `${label} refused: connector id "${definition.id}" is already provided by ${existing.origin}`);
      return;
    }
    const described: DescribedConnector = { ...info, source: candidate.provider };
    if (definition.sdkVersion !== undefined) described.sdkVersion = definition.sdkVersion;
    entries.set(definition.id, { definition, described, origin: candidate.origin });
    log.debug({ connector: definition.id, source: described.source }, 'connector registered');
  };

  for (const module of findBuiltinModules(connectorsDir)) {
    const source = path.join('connectors', module.folder);
    const label = `built-in connector ${source}`;
    let definition: unknown;
    try {
      definition = loadBuiltin(module).definition;
    } catch (error) {
      refuse(source, `${label} refused: loading failed: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    if (definition === undefined) {
      refuse(
        source,
        `${label} refused: ${path.basename(module.file)} has no default export nor an export named "connector"`,
      );
      continue;
    }
    admit(definition, { source, label, provider: 'builtin', origin: `builtin (${source})`, expectedId: module.folder });
  }

  const seenRoots = new Map<string, string>();
  for (const spec of options.plugins) {
    try {
      const plugin = loadPlugin(spec, cwd);
      const label = `plugin ${plugin.name === spec ? spec : `${plugin.name} (${spec})`}`;
      const earlier = seenRoots.get(plugin.root);
      if (earlier !== undefined) {
        refuse(spec, `${label} refused: it is listed twice (also as ${earlier})`);
        continue;
      }
      seenRoots.set(plugin.root, spec);
      admit(plugin.definition, { source: spec, label, provider: plugin.name, origin: `plugin ${plugin.name}` });
    } catch (error) {
      if (error instanceof PluginRefusedError) refuse(spec, error.message);
      else refuse(spec, `plugin ${spec} refused: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  log.info({ connectors: [...entries.keys()], refused: problems.length }, 'connector registry ready');

  const entry = (id: string): Entry => {
    const found = entries.get(id);
    if (found === undefined) {
      const installed = [...entries.keys()].join(', ') || 'none';
      throw new ConfigError(`unknown connector ${id}; installed: ${installed}`, { field: 'connector' });
    }
    return found;
  };

  return {
    list: () => [...entries.values()].map((e) => e.definition),
    has: (id) => entries.has(id),
    get: (id) => entry(id).definition,
    describe: (id) => structuredClone(entry(id).described),
    problems,
  };
}
