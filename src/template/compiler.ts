/**
 * tpx's nunjucks compiler: a subclass of nunjucks' Compiler (no global patching) that
 *
 * - fixes tests with several arguments: nunjucks' compileIs emits the arguments of
 *   `x is version("2.9.0", "<")` without commas ("SyntaxError: missing ) after argument
 *   list"); here they go through `_compileAggregate`, comma-separated. nunjucks then
 *   compares the test's result with `=== true`, so every test returns a real boolean;
 * - gives Ansible's undefined semantics (see undefined.ts): names and attributes are
 *   looked up through `env.tpx.lookup`/`env.tpx.member`, which yield the Undefined marker,
 *   and every use of one is wrapped in `env.tpx.strict` except the tolerant places: the
 *   left side of `is`, the input of `default`/`d`, and the object of a further lookup;
 * - gives Python's semantics to operators, conditions and output (runtime.ts), and
 * - in native mode, makes a template that is one `{{ expr }}` return the value itself.
 */
import { nj, type NjCompilerInstance, type NjNode } from './nunjucks-internals.js';

/** Filters whose input may be undefined. */
const TOLERANT_FILTERS = new Set(['default', 'd']);

const ARITH_NODES: Record<string, string> = { Add: '+', Sub: '-', Mul: '*', Div: '/', FloorDiv: '//', Mod: '%', Pow: '**' };

interface CompilerInternals extends NjCompilerInstance {
  buffer: string;
  _emitLine(code: string): void;
  compileFilter(node: NjNode, frame: unknown): void;
  compileIf(node: NjNode, frame: unknown, async?: boolean): void;
  _getNodeName(node: NjNode): string;
}

type FrameWithLookup = { lookup(name: string): string | undefined };

const BaseCompiler = nj.compiler.Compiler as unknown as new (name: string, throwOnUndefined: boolean) => CompilerInternals;

/** A marker node: its target is evaluated for Python truthiness (used for `{% if %}`). */
const TruthyNode = (nj.nodes.Node as unknown as { extend(name: string, props: object): typeof nj.nodes.Node }).extend('Truthy', {
  fields: ['target'],
});

/** Compiles a parsed template; `native` makes the single output expression the result. */
export class TpxCompiler extends BaseCompiler {
  private readonly native: boolean;

  constructor(name: string, native: boolean) {
    super(name, false);
    this.native = native;
  }

  /** Source text of a lookup chain (`x.y[0]`) for messages about undefined values. */
  private describeLookup(node: NjNode): string {
    if (node.typename === 'Symbol') return String(node.value);
    if (node.typename === 'LookupVal') {
      const target = this.describeLookup(node.target as NjNode);
      const val = node.val as NjNode;
      if (val.typename === 'Literal' && typeof val.value === 'string' && /^[A-Za-z_]\w*$/.test(val.value)) return `${target}.${val.value}`;
      if (val.typename === 'Literal') return `${target}[${JSON.stringify(val.value)}]`;
      return `${target}[${this.describeLookup(val)}]`;
    }
    return '(expression)';
  }

  private emitStrict(node: NjNode, emitValue: () => void): void {
    if (node.tolerant) return emitValue();
    this._emit('env.tpx.strict(');
    emitValue();
    this._emit(')');
  }

  compileSymbol(node: NjNode, frame: FrameWithLookup): void {
    const name = String(node.value);
    const local = frame.lookup(name);
    this.emitStrict(node, () => this._emit(local ? local : `env.tpx.lookup(context, frame, ${JSON.stringify(name)})`));
  }

  compileLookupVal(node: NjNode, frame: unknown): void {
    const target = node.target as NjNode;
    target.tolerant = true;
    this.emitStrict(node, () => {
      this._emit('env.tpx.member(');
      this._compileExpression(target, frame);
      this._emit(',');
      this._compileExpression(node.val as NjNode, frame);
      this._emit(`,${JSON.stringify(this.describeLookup(node))})`);
    });
  }

  /** `xs[a:b:c]` (slice.ts); missing parts are None. */
  compileSlice(node: NjNode, frame: unknown): void {
    this._emit('env.tpx.slice(');
    this.compile(node.target as NjNode, frame);
    for (const part of [node.start, node.stop, node.step] as (NjNode | null)[]) {
      this._emit(', ');
      if (part) this.compile(part, frame);
      else this._emit('null');
    }
    this._emit(')');
  }

  compileIs(node: NjNode, frame: unknown): void {
    const right = node.right as NjNode;
    const name = right.name ? String((right.name as NjNode).value) : String(right.value);
    const left = node.left as NjNode;
    left.tolerant = true;
    this._emit(`env.getTest(${JSON.stringify(name)}).call(context, `);
    this.compile(left, frame);
    if (right.args && (right.args.children ?? []).length > 0) {
      this._emit(', ');
      this._compileAggregate(right.args, frame, '', '');
    }
    this._emit(') === true');
  }

  override compileFilter(node: NjNode, frame: unknown): void {
    const first = node.args?.children?.[0];
    if (first && TOLERANT_FILTERS.has(String((node.name as NjNode).value))) first.tolerant = true;
    super.compileFilter(node, frame);
  }

  compileOutput(node: NjNode, frame: unknown): void {
    for (const child of node.children ?? []) {
      if (child.typename === 'TemplateData') {
        if (child.value) this._emitLine(`${this.buffer} += ${JSON.stringify(child.value)};`);
      } else if (this.native) {
        this._emit(`${this.buffer} = env.tpx.strict(`);
        this.compile(child, frame);
        this._emitLine(');');
      } else {
        this._emit(`${this.buffer} += env.tpx.text(`);
        this.compile(child, frame);
        this._emitLine(');');
      }
    }
  }

  override compileIf(node: NjNode, frame: unknown, async?: boolean): void {
    const cond = node.cond as NjNode;
    node.cond = new TruthyNode(cond.lineno, cond.colno, cond);
    super.compileIf(node, frame, async);
    node.cond = cond;
  }

  compileTruthy(node: NjNode, frame: unknown): void {
    this.emitCall('env.tpx.truthy', [node.target as NjNode], frame);
  }

  override _compileExpression(node: NjNode, frame: unknown): void {
    if (node.typename === 'Truthy' || node.typename === 'Slice') this.compile(node, frame);
    else super._compileExpression(node, frame);
  }

  /** `(a)` groups; `(a, b)` is a tuple, a list here (nunjucks would emit JS's comma operator). */
  compileGroup(node: NjNode, frame: unknown): void {
    const multiple = (node.children ?? []).length > 1;
    this._compileAggregate(node, frame, multiple ? '[' : '(', multiple ? ']' : ')');
  }

  compileInlineIf(node: NjNode, frame: unknown): void {
    this._emit('(env.tpx.truthy(');
    this.compile(node.cond as NjNode, frame);
    this._emit(') ? ');
    this.compile(node.body as NjNode, frame);
    this._emit(' : ');
    if (node.else_) this.compile(node.else_ as NjNode, frame);
    else this._emit('""');
    this._emit(')');
  }

  compileAnd(node: NjNode, frame: unknown): void {
    this.emitLazyPair('env.tpx.and', node, frame);
  }

  compileOr(node: NjNode, frame: unknown): void {
    this.emitLazyPair('env.tpx.or', node, frame);
  }

  compileNot(node: NjNode, frame: unknown): void {
    this._emit('!');
    this.emitCall('env.tpx.truthy', [node.target as NjNode], frame);
  }

  compileIn(node: NjNode, frame: unknown): void {
    this.emitCall('env.tpx.contains', [node.right as NjNode, node.left as NjNode], frame);
  }

  compileCompare(node: NjNode, frame: unknown): void {
    this._emit('env.tpx.compare(');
    this.compile(node.expr as NjNode, frame);
    for (const op of node.ops as NjNode[]) {
      this._emit(`, ${JSON.stringify(op.type)}, `);
      this.compile(op.expr as NjNode, frame);
    }
    this._emit(')');
  }

  compileConcat(node: NjNode, frame: unknown): void {
    this.emitCall('env.tpx.concat', [node.left as NjNode, node.right as NjNode], frame);
  }

  compileNeg(node: NjNode, frame: unknown): void {
    this._emit('env.tpx.unary("-", ');
    this.compile(node.target as NjNode, frame);
    this._emit(')');
  }

  compilePos(node: NjNode, frame: unknown): void {
    this._emit('env.tpx.unary("+", ');
    this.compile(node.target as NjNode, frame);
    this._emit(')');
  }

  private emitArith(node: NjNode, frame: unknown): void {
    this._emit(`env.tpx.arith(${JSON.stringify(ARITH_NODES[node.typename])}, `);
    this.compile(node.left as NjNode, frame);
    this._emit(', ');
    this.compile(node.right as NjNode, frame);
    this._emit(')');
  }

  compileAdd(node: NjNode, frame: unknown): void {
    this.emitArith(node, frame);
  }
  compileSub(node: NjNode, frame: unknown): void {
    this.emitArith(node, frame);
  }
  compileMul(node: NjNode, frame: unknown): void {
    this.emitArith(node, frame);
  }
  compileDiv(node: NjNode, frame: unknown): void {
    this.emitArith(node, frame);
  }
  compileFloorDiv(node: NjNode, frame: unknown): void {
    this.emitArith(node, frame);
  }
  compileMod(node: NjNode, frame: unknown): void {
    this.emitArith(node, frame);
  }
  compilePow(node: NjNode, frame: unknown): void {
    this.emitArith(node, frame);
  }

  private emitCall(fn: string, args: NjNode[], frame: unknown): void {
    this._emit(`${fn}(`);
    args.forEach((arg, i) => {
      if (i > 0) this._emit(', ');
      this.compile(arg, frame);
    });
    this._emit(')');
  }

  /** `fn(left, function () { return right; })`: the right side is evaluated only when needed. */
  private emitLazyPair(fn: string, node: NjNode, frame: unknown): void {
    this._emit(`${fn}(`);
    this.compile(node.left as NjNode, frame);
    this._emit(', function () { return ');
    this.compile(node.right as NjNode, frame);
    this._emit('; })');
  }
}
