import fs from 'node:fs';
import path from 'node:path';
import connector from '../../../connectors/file';
import { checkConnectorConformance, describeConnectorConformance } from '../../../core/sdk/testing';
import { tmpDir } from './helpers';

// The same kit a partner runs against a plugin, run against the built-in file connector.
describeConnectorConformance(connector, {
  settings: () => {
    const directory = tmpDir();
    const rows = Array.from({ length: 12 }, (_, i) => `${i + 1},name ${i + 1}`);
    fs.writeFileSync(path.join(directory, 'in.csv'), `id,name\n${rows.join('\n')}\n`);
    return { directory, path: 'in.csv', output: 'out.csv', pageSize: 5 };
  },
  sampleRecords: {
    writeRecords: [
      { id: 'w1', name: 'Ann' },
      { id: 'w2', name: 'Bob' },
    ],
  },
  batchRecord: { writeRecords: (i) => ({ id: `b${i}`, name: `Batch ${i}` }) },
  // a nested object cannot be a CSV cell: that record fails alone, naming its field
  rejectedRecord: { writeRecords: { record: { id: 'bad', name: { first: 'A' } }, reason: 'a CSV cell holds text' } },
  // no badSettings (a folder has no credentials); no countAtTarget: writeRecords appends, at-least-once by design
});

describe('file connector definition', () => {
  it('passes the static conformance checks', () => {
    expect(checkConnectorConformance(connector)).toEqual({ ok: true, problems: [] });
  });
});
