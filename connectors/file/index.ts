import { defineConnector } from '../../core/sdk';
import { writeRecords } from './actions/writeRecords';
import { checkFiles, checkSettings } from './client';
import { FileSettings } from './schemas/settings';
import { records } from './streams/records';

/**
 * The `file` connector: reads and appends CSV and NDJSON files inside one folder, streaming. See README.md.
 */
export const connector = defineConnector({
  id: 'file',
  displayName: 'Files (CSV, NDJSON)',
  version: '1.0.0',
  category: 'other',
  description:
    'Reads rows of a CSV or NDJSON file in resumable pages and appends records to one; every file stays inside the configured folder.',
  settingsSchema: FileSettings,
  policy: {
    // local disk: no vendor budget to respect, only a sane ceiling
    rateBudget: { requests: 10_000, intervalMs: 1_000 },
    // one append at a time per connection keeps the lines of concurrent batches apart
    concurrency: 1,
    retryStatuses: [],
    retryAfter: [],
  },
  check: ({ settings }) => checkFiles(settings),
  checkSettings,
  streams: [records],
  actions: [writeRecords],
});

export default connector;
