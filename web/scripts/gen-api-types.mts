/**
 * Generates web/src/api/openapi.ts (the console's types) from the hub's OpenAPI document, the same document
 * `GET /api/v1/openapi.json` serves (generated from the route table). `--check` writes nothing and exits 1 when
 * the file is stale, for the test that keeps the two in step.
 *
 *   npx tsx web/scripts/gen-api-types.mts [--check]
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import * as prettier from 'prettier';
import { API_ROUTES } from '../../core/api/routes/index.ts';
import { generateOpenApi } from '../../core/api/openapi.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const target = path.join(here, '..', 'src', 'api', 'openapi.ts');

const HEADER =
  "// Generated from the hub's OpenAPI document by web/scripts/gen-api-types.mts (npm run gen:web-types).\n" +
  '// Do not edit: a test fails when this file is stale.\n';

export async function generate(): Promise<string> {
  // the version is not part of the types: a fixed one keeps the output the same across releases
  const document = generateOpenApi(API_ROUTES, { version: '0.0.0' });
  const ast = await openapiTS(document as unknown as Parameters<typeof openapiTS>[0], { alphabetize: false });
  // formatted as the repository formats TypeScript, so running prettier over web/ leaves it as it is
  const options = (await prettier.resolveConfig(target)) ?? {};
  return prettier.format(HEADER + astToString(ast), { ...options, filepath: target });
}

const text = await generate();
if (process.argv.includes('--check')) {
  const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
  if (current !== text) {
    console.error(`${path.relative(process.cwd(), target)} is stale: run npm run gen:web-types`);
    process.exit(1);
  }
  console.log('web/src/api/openapi.ts is up to date');
} else {
  fs.writeFileSync(target, text);
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}
