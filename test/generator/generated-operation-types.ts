/**
 * The oracle for the change report: what each operation's generated types are, read from a
 * generated schema.ts with the TypeScript parser and nothing of the generator's diff code.
 * Each `operations['X']` entry is printed without comments, with every
 * `components['kind']['Name']` it reaches inlined (a recursive one is left as a reference the
 * second time), so two schema.ts files can be compared operation by operation: equal text ⇔
 * equal types for a consumer.
 */
import ts from 'typescript';

/** operationId → the printed type of its `operations[...]` entry, components inlined. */
export function operationTypes(schemaText: string): Map<string, string> {
  const file = ts.createSourceFile('schema.ts', schemaText, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const interfaces = new Map<string, ts.InterfaceDeclaration>();
  for (const statement of file.statements) {
    if (ts.isInterfaceDeclaration(statement)) interfaces.set(statement.name.text, statement);
  }
  const members = (node: ts.InterfaceDeclaration | ts.TypeLiteralNode | undefined) => {
    const found = new Map<string, ts.TypeNode>();
    for (const member of node?.members ?? []) {
      if (ts.isPropertySignature(member) && member.type) found.set(propertyName(member.name), member.type);
    }
    return found;
  };
  const components = new Map<string, ts.TypeNode>();
  for (const [kind, node] of members(interfaces.get('components'))) {
    if (!ts.isTypeLiteralNode(node)) continue;
    for (const [name, type] of members(node)) components.set(`${kind}/${name}`, type);
  }

  const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });
  const inline = (node: ts.TypeNode, stack: readonly string[]): ts.TypeNode => {
    const visit = (current: ts.Node): ts.Node => {
      const reference = ts.isIndexedAccessTypeNode(current) ? componentReference(current) : undefined;
      if (reference !== undefined) {
        const target = components.get(reference);
        if (target === undefined) throw new Error(`schema.ts refers to components/${reference}, which it does not define`);
        if (stack.includes(reference)) return ts.factory.createTypeReferenceNode(`Recursive_${reference.replace(/\W/g, '_')}`);
        return inline(target, [...stack, reference]);
      }
      return ts.visitEachChild(current, visit, undefined);
    };
    return visit(node) as ts.TypeNode;
  };

  const result = new Map<string, string>();
  for (const [operationId, type] of members(interfaces.get('operations'))) {
    result.set(operationId, printer.printNode(ts.EmitHint.Unspecified, inline(type, []), file));
  }
  return result;
}

/** The operationIds whose generated types differ between two schema.ts files (present in both). */
export function operationsWithDifferentTypes(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...before.keys()].filter((id) => after.has(id) && after.get(id) !== before.get(id)).sort();
}

function propertyName(name: ts.PropertyName): string {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return name.getText();
}

/** `components['schemas']['Translation']` → `schemas/Translation`. */
function componentReference(node: ts.IndexedAccessTypeNode): string | undefined {
  const inner = node.objectType;
  if (!ts.isIndexedAccessTypeNode(inner)) return undefined;
  if (!ts.isTypeReferenceNode(inner.objectType) || inner.objectType.typeName.getText() !== 'components') return undefined;
  const kind = literalText(inner.indexType);
  const name = literalText(node.indexType);
  return kind !== undefined && name !== undefined ? `${kind}/${name}` : undefined;
}

function literalText(node: ts.TypeNode): string | undefined {
  return ts.isLiteralTypeNode(node) && ts.isStringLiteral(node.literal) ? node.literal.text : undefined;
}
