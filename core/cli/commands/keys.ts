import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { createLogger } from '../../logging/logger';
import { openHub } from '../../runtime/hub';
import { rotateKeys } from '../../security';
import { json, type Output } from '../output';

export function registerKeys(program: Command, output: Output): void {
  const keys = program.command('keys').description('Manage the encryption keys of stored secrets');

  keys
    .command('rotate')
    .description('Make a new key active and re-encrypt every stored secret with it, in one transaction')
    .option('--drop-retired', 'remove the old keys from the key file once nothing uses them')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ hub keys rotate                 # key file in the data dir: a new key is generated\n' +
        '  $ HUB_ENCRYPTION_KEY=new:<key>,old:<key> hub keys rotate   # with the key in the environment',
    )
    .action(async (opts: { dropRetired?: boolean; json?: boolean }) => {
      const config = loadConfig();
      const hub = await openHub(config, {
        withoutRegistry: true,
        logger: createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel }),
      });
      try {
        const result = await rotateKeys(hub.store, hub.vault, { dropRetiredKeys: opts.dropRetired === true });
        await hub.repos.auditLog.record({
          actor: 'cli',
          action: 'vault.rotate',
          entity: 'vault',
          entityId: result.activeKeyId,
          after: { activeKeyId: result.activeKeyId, values: result.values, connections: result.connections },
        });
        output.out(
          opts.json
            ? json(result)
            : `active key is now ${result.activeKeyId}; re-encrypted ${result.values} value(s) in ${result.connections} connection(s)` +
                (result.retiredKeyIds.length
                  ? `; retired keys kept for old backups: ${result.retiredKeyIds.join(', ')}`
                  : ''),
        );
      } finally {
        await hub.close();
      }
    });
}
