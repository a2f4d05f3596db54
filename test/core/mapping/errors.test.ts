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

  it('gives every offset of every text the line and column of a scan from the start', () => {
    function scanned(text: string, offset: number): { line: number; column: number } {
      const clamped = Math.max(0, Math.min(offset, text.length));
      let line = 1;
      let lineStart = 0;
      for (let i = 0; i < clamped; i++) {
        if (text.charCodeAt(i) === 10) {
          line++;
          lineStart = i + 1;
        }
      }
      return { line, column: clamped - lineStart + 1 };
    }
    const texts = ['', '\n', '\n\n', 'a', 'ab\ncd\nef', 'ab\n', '\nab', 'a\r\nb\n\nc\n', 'x'.repeat(50) + '\n' + 'y'];
    // texts asked about in turn and alternately (the line starts of the last text are kept)
    for (const round of [0, 1]) {
      for (const text of round === 0 ? texts : [...texts, ...texts].reverse()) {
        for (let offset = -2; offset <= text.length + 2; offset++) {
          expect(offsetToLineColumn(text, offset)).toEqual(scanned(text, offset));
          expect(offsetToLineColumn(texts[offset & 7], offset)).toEqual(scanned(texts[offset & 7], offset));
        }
      }
    }
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
