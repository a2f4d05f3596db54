import { defineStream } from '../../../core/sdk';
import { CrmObjectRecord } from '../schemas/records';
import type { HubSpotSettings } from '../schemas/settings';
import { readObjects } from './incremental';
import { refetchObjects } from './refetch';
import { companiesType } from './objects';

/** Stream `companies`: name, domain, city, country. */
export const companies = defineStream<HubSpotSettings, CrmObjectRecord>({
  name: 'companies',
  title: 'Companies',
  description: 'Companies with name, domain, city and country',
  recordSchema: CrmObjectRecord,
  identity: ['id'],
  modifiedField: 'updatedAt',
  read: (args) => readObjects(companiesType, args, async (objects) => objects),
  refetch: (args) => refetchObjects(companiesType, args, async (objects) => objects),
});
