import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

/**
 * Validates request bodies a connector sent against the vendor's own API description
 * (test/fixtures/vendor-specs, copied from ../shared/reference/specs). OpenAPI 3.x takes the schema of
 * `requestBody.content['application/json']`; Swagger 2.0 takes the `in: body` parameter's schema.
 * The whole document is registered with ajv so `$ref`s resolve inside it.
 */

const SPEC_DIR = join(__dirname, '..', 'fixtures', 'vendor-specs');

type Doc = Record<string, unknown> & { paths: Record<string, Record<string, Record<string, unknown>>> };

const docs = new Map<string, Doc>();
const validators = new Map<string, ValidateFunction>();
const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, validateFormats: true });
addFormats(ajv);
// vendor-specific formats the specs use that carry no checkable rule
for (const format of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password']) ajv.addFormat(format, true);

function load(file: string): Doc {
  let doc = docs.get(file);
  if (!doc) {
    const text = readFileSync(join(SPEC_DIR, file), 'utf8');
    doc = (file.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) as Doc;
    docs.set(file, doc);
    ajv.addSchema(doc as object, file);
  }
  return doc;
}

function pointer(...parts: string[]): string {
  return parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

/** The ajv validator of one operation's JSON request body. */
export function requestBodyValidator(file: string, method: string, path: string): ValidateFunction {
  const key = `${file} ${method} ${path}`;
  let validate = validators.get(key);
  if (validate) return validate;
  const doc = load(file);
  const op = doc.paths[path]?.[method.toLowerCase()];
  if (!op) throw new Error(`${file} has no operation ${method.toUpperCase()} ${path}`);
  let ref: string;
  if ('swagger' in doc) {
    const params = (op.parameters ?? []) as { in?: string }[];
    const index = params.findIndex((p) => p.in === 'body');
    if (index < 0) throw new Error(`${file} ${method} ${path} has no body parameter`);
    ref = `${file}#/${pointer('paths', path, method.toLowerCase(), 'parameters', String(index), 'schema')}`;
  } else {
    ref = `${file}#/${pointer('paths', path, method.toLowerCase(), 'requestBody', 'content', 'application/json', 'schema')}`;
  }
  validate = ajv.compile({ $ref: ref });
  validators.set(key, validate);
  return validate;
}

/** Throws with ajv's messages when `body` does not match the vendor's schema of the operation. */
export function assertValidRequestBody(file: string, method: string, path: string, body: unknown): void {
  const validate = requestBodyValidator(file, method, path);
  if (!validate(body)) {
    throw new Error(
      `request body does not match ${file} ${method.toUpperCase()} ${path}: ${ajv.errorsText(validate.errors, { separator: '; ' })}`,
    );
  }
}
