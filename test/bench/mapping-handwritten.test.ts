import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compileMapping, loadMappings, type MappingDefinition, type MapResult } from '../../core/mapping';
import { useCompiledMappings } from '../../core/mapping/compiler';
import { handWritten } from '../../bench/mapping-handwritten/index';
import { generate, generatorFor } from '../../bench/mapping-records';

/**
 * The mapping bench's hand-written twins (bench/mapping-handwritten/) against the interpreter, the engine's
 * reference: every shipped mapping has one, and it gives exactly the interpreter's result — values, skips and
 * errors with their code, message, line and column — on the mapping's fixtures and on generated records. A twin
 * that drifted from its mapping would make the bench's compiled / hand-written ratio compare different work.
 */

const MAPPINGS = resolve(__dirname, '../../mappings');
const mappings = loadMappings(MAPPINGS);
const GENERATED = 300;

function fixtureInputs(mapping: MappingDefinition): unknown[] {
  const dir = join(MAPPINGS, mapping.id, 'fixtures');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => (JSON.parse(readFileSync(join(dir, name), 'utf8')) as { input?: unknown }).input);
}

async function interpret(mapping: MappingDefinition, records: unknown[]): Promise<MapResult[]> {
  useCompiledMappings(false);
  try {
    const engine = compileMapping(
      { ...mapping, version: `${mapping.version ?? '0'}+interpreter` },
      { defaultCountry: 'RU' },
    );
    return await engine.evaluatePage(records);
  } finally {
    useCompiledMappings(true);
  }
}

describe('bench/mapping hand-written twins', () => {
  it('has a twin for every shipped mapping', () => {
    expect(mappings.filter((m) => handWritten(m) === undefined).map((m) => m.id)).toEqual([]);
  });

  it.each(mappings.map((m) => [m.id, m] as const))(
    '%s: the twin equals the interpreter on fixtures and generated records',
    async (_id, mapping) => {
      const twin = handWritten(mapping);
      if (!twin) throw new Error(`no hand-written twin for ${mapping.id}`);
      const records = [...fixtureInputs(mapping), ...generate(GENERATED, generatorFor(mapping))];
      const expected = await interpret(mapping, records);
      expect(records.map((record) => twin(structuredClone(record)))).toEqual(expected);
      // the generated records reach past the first decision: some map to a value
      expect(expected.some((r) => r.ok && !('$skip' in (r.value as object)))).toBe(true);
    },
  );
});
