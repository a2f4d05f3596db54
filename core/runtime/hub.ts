import type { HubConfig } from '../config';
import { createLogger, registerSecretValue, type HubLogger } from '../logging/logger';
import { createRegistry, type Registry } from '../registry';
import { configureOutbound, openVault } from '../security';
import type { Vault } from '../security/vault';
import { openStore, type Store } from '../store';
import { createRepos, type Repos } from '../store/repos';

/** Everything a command or the server needs, opened once from the configuration. */
export interface Hub {
  config: HubConfig;
  logger: HubLogger;
  store: Store;
  vault: Vault;
  repos: Repos;
  registry: Registry;
  close(): Promise<void>;
}

export interface OpenHubOptions {
  logger?: HubLogger;
  /** Skip loading connectors and plugins (commands that only touch the store). */
  withoutRegistry?: boolean;
}

/**
 * Opens the store (running migrations), the vault (verifying the key against the store) and the connector
 * registry. Refused plugins are logged and the rest keep working.
 */
export async function openHub(config: HubConfig, options: OpenHubOptions = {}): Promise<Hub> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  if (config.encryptionKey) registerSecretValue(config.encryptionKey);
  // HUB_ALLOW_PRIVATE_HOSTS: what the outbound door may reach on private networks (a bad CIDR stops start-up)
  const allowPrivateHosts: readonly string[] | undefined = config.allowPrivateHosts;
  if (allowPrivateHosts !== undefined && allowPrivateHosts.length > 0) configureOutbound({ allowPrivateHosts });
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    preparedStatements: config.databasePrepared,
    onBackgroundError: (error) => logger.error({ err: error.message }, 'database connection error'),
  });
  try {
    const vault = await openVault({
      store,
      dataDir: config.dataDir,
      encryptionKey: config.encryptionKey,
      logger: { warn: (m) => logger.warn(m), info: (m) => logger.info(m) },
    });
    const registry = await createRegistry({
      plugins: options.withoutRegistry ? [] : config.plugins,
      logger,
    });
    for (const problem of registry.problems)
      logger.error({ plugin: problem.source }, `plugin refused: ${problem.message}`);
    return {
      config,
      logger,
      store,
      vault,
      repos: createRepos(store.db, vault),
      registry,
      close: () => store.close(),
    };
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
}
