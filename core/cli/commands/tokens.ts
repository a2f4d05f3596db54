import type { Command } from 'commander';
import { tokenServiceFor } from '../../api';
import { ROLES } from '../../api/permissions';
import { json, table, type Output } from '../output';
import { withSession } from '../session';

const iso = (ms: number | undefined) => (ms === undefined ? '' : new Date(ms).toISOString());

export function registerTokens(program: Command, output: Output): void {
  const tokens = program
    .command('tokens')
    .description('API tokens: who may call the REST API, with which role (only a hash of each token is stored)');

  tokens
    .command('create')
    .description('Create an API token; it is printed once and cannot be shown again')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .requiredOption('--name <name>', 'who or what uses the token, e.g. ci or jane')
    .option('--json', 'print JSON ({ token, record })')
    .addHelpText(
      'after',
      '\nExamples:\n  $ hub tokens create --role engineer --name ci\n  $ hub tokens create --role viewer --name dashboard --json',
    )
    .action(async (opts: { role: string; name: string; json?: boolean }) =>
      withSession(async ({ hub }) => {
        const created = await tokenServiceFor(hub).create({ name: opts.name, role: opts.role }, { actor: 'cli' });
        if (opts.json) return output.out(json(created));
        output.out(
          [
            `created token ${created.record.name} (${created.record.id}, role ${created.record.role}).`,
            'It is shown only this once; store it now:',
            '',
            `    ${created.token}`,
            '',
          ].join('\n'),
        );
      }),
    );

  tokens
    .command('list')
    .description('List API tokens (never the tokens themselves)')
    .option('--all', 'include revoked tokens')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  $ hub tokens list\n  $ hub tokens list --all --json')
    .action(async (opts: { all?: boolean; json?: boolean }) =>
      withSession(async ({ hub }) => {
        const list = await tokenServiceFor(hub).list({ includeRevoked: opts.all === true });
        if (opts.json) return output.out(json(list));
        output.out(
          table(
            list.map((t) => ({
              ...t,
              created: iso(t.createdAt),
              used: iso(t.lastUsedAt),
              revoked: iso(t.revokedAt),
            })),
            ['id', 'name', 'role', 'created', 'used', ...(opts.all ? ['revoked'] : [])],
          ),
        );
      }),
    );

  tokens
    .command('revoke <token>')
    .description('Revoke an API token by id, or by name when one active token has it')
    .addHelpText('after', '\nExamples:\n  $ hub tokens revoke tok_01j…\n  $ hub tokens revoke ci')
    .action(async (ref: string) =>
      withSession(async ({ hub }) => {
        const revoked = await tokenServiceFor(hub).revoke(ref, { actor: 'cli' });
        output.out(`revoked token ${revoked.name} (${revoked.id})`);
      }),
    );
}
