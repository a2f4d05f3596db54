import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compileMapping, loadMappings, type MappingDefinition, type MapResult } from '../../../../core/mapping';
import { compiledMappingStats, compileExpression, useCompiledMappings } from '../../../../core/mapping/compiler';
import { generate, generatorFor } from '../../../../bench/mapping-records';

/**
 * Every shipped mapping on the compiled path gives exactly what the interpreter gives — values, skips and errors
 * (code, message, line, column) — on its fixtures and on generated records (the bench's generators).
 */

const MAPPINGS = resolve(__dirname, '../../../../mappings');
const mappings = loadMappings(MAPPINGS);
const GENERATED = 150;

function fixtureInputs(mapping: MappingDefinition): unknown[] {
  const dir = join(MAPPINGS, mapping.id, 'fixtures');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => (JSON.parse(readFileSync(join(dir, name), 'utf8')) as { input?: unknown }).input);
}

async function evaluateAll(mapping: MappingDefinition, records: unknown[], compiled: boolean): Promise<MapResult[]> {
  useCompiledMappings(compiled);
  try {
    const engine = compileMapping(
      { ...mapping, version: `${mapping.version ?? '0'}+${compiled ? 'compiled' : 'interpreter'}` },
      { defaultCountry: 'RU' },
    );
    const one = await Promise.all(records.map((record) => engine.evaluate(record)));
    const page = await engine.evaluatePage(records);
    expect(page).toEqual(one);
    return page;
  } finally {
    useCompiledMappings(true);
  }
}

describe('shipped mappings on the compiled path', () => {
  it('compiles every shipped mapping', () => {
    const declined = mappings
      .map((m) => ({ id: m.id, outcome: compileExpression(m.expression, 200) }))
      .filter(({ outcome }) => !outcome.ok)
      .map(({ id, outcome }) => `${id}: ${(outcome as { reason: string }).reason}`);
    expect(declined).toEqual([]);
    expect(mappings.length).toBeGreaterThanOrEqual(7);
  });

  it.each(mappings.map((m) => [m.id, m] as const))(
    '%s: the compiled path equals the interpreter on fixtures and generated records',
    async (_id, mapping) => {
      const records = [...fixtureInputs(mapping), ...generate(GENERATED, generatorFor(mapping))];
      const before = compiledMappingStats();
      const compiled = await evaluateAll(mapping, records, true);
      const after = compiledMappingStats();
      const interpreted = await evaluateAll(mapping, records, false);
      expect(compiled).toEqual(interpreted);
      // the compiled code served the records itself; only evaluation errors went to the interpreter for their message
      const handed = after.handedToInterpreter - before.handedToInterpreter;
      const evaluationErrors = interpreted.filter((r) => !r.ok && r.error.code === 'evaluate.error').length;
      expect(handed).toBeLessThanOrEqual(2 * evaluationErrors);
      expect(after.compiled - before.compiled).toBeGreaterThan(0);
    },
  );
});
