import type { Kysely } from 'kysely';
import type { Vault } from '../../security/vault';
import type { Database } from '../schema';
import { ApiTokensRepo } from './api-tokens';
import { AuditLogRepo } from './audit-log';
import { CheckpointsRepo } from './checkpoints';
import { ConnectionsRepo } from './connections';
import { DeadLettersRepo } from './dead-letters';
import { FlowsRepo } from './flows';
import { MappingsRepo } from './mappings';
import { MetaRepo } from './meta';
import { RecordLinksRepo } from './record-links';
import { ReviewItemsRepo } from './review-items';
import { RunRecordsRepo } from './run-records';
import { RunsRepo } from './runs';
import { SuppressionsRepo } from './suppressions';
import { WebhookEventsRepo } from './webhook-events';

export interface Repos {
  connections: ConnectionsRepo;
  mappings: MappingsRepo;
  flows: FlowsRepo;
  runs: RunsRepo;
  runRecords: RunRecordsRepo;
  checkpoints: CheckpointsRepo;
  recordLinks: RecordLinksRepo;
  deadLetters: DeadLettersRepo;
  suppressions: SuppressionsRepo;
  auditLog: AuditLogRepo;
  apiTokens: ApiTokensRepo;
  meta: MetaRepo;
  webhookEvents: WebhookEventsRepo;
  reviewItems: ReviewItemsRepo;
}

/**
 * Every repository over one `Kysely<Database>`: `createRepos(store.db, vault)` for plain work, or
 * `store.transaction((trx) => work(createRepos(trx, vault)))` to make several changes atomically.
 */
export function createRepos(db: Kysely<Database>, vault: Vault): Repos {
  return {
    connections: new ConnectionsRepo(db, vault),
    mappings: new MappingsRepo(db),
    flows: new FlowsRepo(db),
    runs: new RunsRepo(db),
    runRecords: new RunRecordsRepo(db),
    checkpoints: new CheckpointsRepo(db),
    recordLinks: new RecordLinksRepo(db),
    deadLetters: new DeadLettersRepo(db),
    suppressions: new SuppressionsRepo(db),
    auditLog: new AuditLogRepo(db),
    apiTokens: new ApiTokensRepo(db),
    meta: new MetaRepo(db),
    webhookEvents: new WebhookEventsRepo(db),
    reviewItems: new ReviewItemsRepo(db),
  };
}

export * from './api-tokens';
export * from './audit-log';
export * from './checkpoints';
export * from './connections';
export * from './dead-letters';
export * from './flows';
export * from './jobs';
export * from './mappings';
export * from './meta';
export * from './record-links';
export * from './review-items';
export * from './run-records';
export * from './runs';
export * from './suppressions';
export * from './webhook-events';
