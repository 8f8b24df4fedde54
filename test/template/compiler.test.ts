import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { TpxCompiler } from '../../src/template/compiler.js';
import { parseTemplateAst } from '../../src/template/parser.js';
import { renderValue } from '../../src/template/render.js';

function compileToCode(text: string): string {
  const compiler = new TpxCompiler('t', false);
  compiler.compile(parseTemplateAst(text));
  return compiler.getCode();
}

describe('TpxCompiler.compileIs (the nunjucks multi-argument test fix)', () => {
  it('stock nunjucks miscompiles a test with two arguments (the bug this works around)', () => {
    const env = new nunjucks.Environment([], { autoescape: false });
    (env as unknown as { addTest(name: string, fn: () => boolean): void }).addTest('version', () => true);
    expect(() => env.renderString('{{ x is version("2.9.0", "<") }}', { x: '1' })).toThrow(/missing \) after argument list/);
  });

  it('emits the arguments comma-separated, and the generated code is valid JavaScript', () => {
    const code = compileToCode('{{ x is version("2.9.0", "<") }}');
    expect(code).toContain('"2.9.0","<"');
    expect(() => new Function(code)).not.toThrow();
  });

  it('compiles tests with no, one and several arguments', () => {
    const ctx = { vars: { x: '2.8.1', n: 9 } };
    expect(renderValue('{{ x is defined }}', ctx)).toBe(true);
    expect(renderValue('{{ n is divisibleby(3) }}', ctx)).toBe(true);
    expect(renderValue('{{ x is version("2.9.0", "<") }}', ctx)).toBe(true);
    expect(renderValue('{{ x is search("8", ignorecase=true) }}', ctx)).toBe(true);
    expect(renderValue('{{ x is not version("2.9.0", "<") }}', ctx)).toBe(false);
  });

  it('does not patch nunjucks globally: the stock Compiler is unchanged', () => {
    const stock = (nunjucks as unknown as { compiler: { Compiler: { prototype: Record<string, unknown> } } }).compiler.Compiler.prototype;
    expect(stock.compileIs).not.toBe(TpxCompiler.prototype.compileIs);
  });
});
