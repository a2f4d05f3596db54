import { spawnSync } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { generateOpenApi } from '../../core/api/openapi';
import { API_ROUTES } from '../../core/api/routes';
import { openApiBed } from '../core/api/helpers';

const ROOT = path.resolve(__dirname, '..', '..');

/** The console's API types are generated from the hub's OpenAPI document, never kept by hand. */
describe('web console API types', () => {
  it('web/src/api/openapi.ts is what the generator makes of the current document', () => {
    const tsx = require.resolve('tsx/cli', { paths: [ROOT] });
    const result = spawnSync(process.execPath, [tsx, 'web/scripts/gen-api-types.mts', '--check'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it('the generator reads the document the hub serves', async () => {
    const bed = await openApiBed();
    try {
      const served = await request(bed.app).get('/api/v1/openapi.json').expect(200);
      const generated = generateOpenApi(API_ROUTES, { version: '0.0.0' });
      expect({ ...served.body, info: undefined }).toEqual({ ...generated, info: undefined });
    } finally {
      await bed.close();
    }
  });
});
