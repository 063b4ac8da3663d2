// Extracts the `description` of each Flowise credential type and the `description` and
// `placeholder` of its inputs from Flowise's credential classes (string literals only), as facts
// beside the catalogue. Usage:
//   node scripts/extract-flowise-descriptions.mjs <Flowise checkout>/packages/components/credentials "<source note>"
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const [dir, source] = process.argv.slice(2);
if (!dir || !source) {
  console.error('usage: extract-flowise-descriptions.mjs <credentials dir> "<source note>"');
  process.exit(2);
}
const OUT = 'src/credential-types/catalogue/flowise-credential-descriptions.json';

/** The string an expression spells out, when it is made only of literals; otherwise undefined. */
function literal(node) {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
    return node.text;
  }
  if (ts.isParenthesizedExpression(node)) {
    return literal(node.expression);
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const [left, right] = [literal(node.left), literal(node.right)];
    return left === undefined || right === undefined ? undefined : left + right;
  }
  return undefined;
}

function property(object, name) {
  const found = object.properties.find(
    (p) => ts.isPropertyAssignment(p) && p.name.getText() === name,
  );
  return found ? found.initializer : undefined;
}

const types = {};
const notes = [];
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.credential.ts'))
  .sort()) {
  const text = readFileSync(join(dir, file), 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const assigned = {};
  sf.forEachChild(function visit(node) {
    if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isPropertyAccessExpression(node.left) &&
      node.left.expression.kind === ts.SyntaxKind.ThisKeyword
    ) {
      assigned[node.left.name.text] = node.right;
    }
    node.forEachChild(visit);
  });
  const name = assigned.name && literal(assigned.name);
  if (!name) {
    notes.push({ file, issue: 'no literal name' });
    continue;
  }
  const entry = {};
  if (assigned.description) {
    const description = literal(assigned.description);
    if (description === undefined) {
      notes.push({ file, issue: 'description is not a literal string' });
    } else {
      entry.description = description;
    }
  }
  const inputs = {};
  if (assigned.inputs && ts.isArrayLiteralExpression(assigned.inputs)) {
    for (const element of assigned.inputs.elements.filter(ts.isObjectLiteralExpression)) {
      const inputName = property(element, 'name') && literal(property(element, 'name'));
      const facts = {};
      for (const key of ['description', 'placeholder']) {
        const value = property(element, key);
        if (value && literal(value) !== undefined) {
          facts[key] = literal(value);
        } else if (value) {
          notes.push({ file, issue: `input ${inputName} ${key} is not a literal string` });
        }
      }
      if (inputName && Object.keys(facts).length > 0) {
        inputs[inputName] = facts;
      }
    }
  }
  if (Object.keys(inputs).length > 0) {
    entry.inputs = inputs;
  }
  if (Object.keys(entry).length > 0) {
    types[name] = entry;
  }
}
writeFileSync(OUT, `${JSON.stringify({ source, notes, types }, null, 2)}\n`);
console.log(`${Object.keys(types).length} types with descriptions or placeholders -> ${OUT}`);
