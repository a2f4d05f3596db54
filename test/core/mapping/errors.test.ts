import {
  compileMapping,
  describeMappingError,
  errorExcerpt,
  MappingCompileError,
  offsetToLineColumn,
  previewMapping,
  type MappingError,
} from '../../../core/mapping';

function compileError(expression: string): MappingError {
  try {
    compileMapping({ id: 'errors-compile', expression });
  } catch (err) {
    if (err instanceof MappingCompileError) return err.mappingError;
    throw err;
  }
  throw new Error('expected a compile error');
}

describe('error positions', () => {
  it('converts offsets to 1-based line and column', () => {
    expect(offsetToLineColumn('abc', 0)).toEqual({ line: 1, column: 1 });
    expect(offsetToLineColumn('ab\ncd\nef', 4)).toEqual({ line: 2, column: 2 });
    expect(offsetToLineColumn('ab\ncd\nef', 6)).toEqual({ line: 3, column: 1 });
  });

  it('reports a compile error with line, column, JSONata code and token', () => {
    const error = compileError('{\n  "a": Email,\n  "b": $uppercase(Name\n}');
    expect(error).toMatchObject({ code: 'compile.syntax', line: 4, column: 1, token: '}' });
    expect(error.jsonataCode).toMatch(/^S0\d{3}$/);
    expect(Object.keys(error)).not.toContain('stack');
  });

  it('points at the offending token of a compile error on a later line', () => {
    const error = compileError('(\n  $x := 1;\n  $x ++ 2\n)');
    // "$x ++ 2": the second "+" is the one that cannot be a unary operator.
    expect(error).toMatchObject({ code: 'compile.syntax', jsonataCode: 'S0211', line: 3, column: 7, token: '+' });
  });

  it('reports an evaluation error with line, column, JSONata code and token', async () => {
    const mapping = compileMapping({
      id: 'errors-eval',
      expression: '{\n  "email": Email,\n  "total": Price * Quantity\n}',
    });
    const result = await mapping.evaluate({ Email: 'a@b.co', Price: 'ten', Quantity: 2 });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'evaluate.error',
        jsonataCode: 'T2001',
        message: 'The left side of the "*" operator must evaluate to a number',
        line: 3,
        column: 18,
        token: '*',
      },
    });
  });

  it('points at a function name (with its $) for a signature error', async () => {
    const mapping = compileMapping({ id: 'errors-signature', expression: '{\n  "a": $uppercase(n)\n}' });
    const result = await mapping.evaluate({ n: 5 });
    expect(result).toMatchObject({
      ok: false,
      error: { jsonataCode: 'T0410', line: 2, column: 8, token: 'uppercase' },
    });
  });

  it('keeps the error a plain JSON-serialisable object', async () => {
    const result = await compileMapping({ id: 'errors-plain', expression: '$number("x") + $foo()' }).evaluate({});
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(JSON.parse(JSON.stringify(result.error))).toEqual(result.error);
      expect(Object.getPrototypeOf(result.error)).toBe(Object.prototype);
    }
  });

  it('describes an error in one line and excerpts the source with a caret', () => {
    const error: MappingError = {
      code: 'evaluate.error',
      jsonataCode: 'T2001',
      message: 'boom',
      line: 2,
      column: 3,
      token: '*',
    };
    expect(describeMappingError(error)).toBe('evaluate.error [T2001] at line 2, column 3 near "*": boom');
    expect(errorExcerpt('first\nab*cd', error)).toBe('2 | ab*cd\n      ^');
    expect(errorExcerpt('x', { code: 'output.invalid', message: 'm' })).toBeUndefined();
  });

  it('previewMapping returns a compile error instead of throwing', async () => {
    const result = await previewMapping({ id: 'errors-preview', expression: '{ "a": }' }, {});
    expect(result).toMatchObject({ ok: false, error: { code: 'compile.syntax', line: 1 } });
    await expect(previewMapping({ id: 'errors-preview-ok', expression: '{ "a": x }' }, { x: 1 })).resolves.toEqual({
      ok: true,
      value: { a: 1 },
    });
  });
});
