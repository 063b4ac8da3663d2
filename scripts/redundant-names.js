'use strict';
// Used by bundle-server.js: blanks the `__name(fn, "n")` wrappers of esbuild's keepNames where
// JavaScript itself names `fn` "n" (see blankRedundantNames).
const acorn = require('acorn');

const isAnonymousFunction = (node) =>
  node.type === 'ArrowFunctionExpression' || (node.type === 'FunctionExpression' && !node.id);

/** `__name(<anonymous function>, "<name>")`. */
const isWrapperNaming = (node, name) =>
  node?.type === 'CallExpression' &&
  node.callee.type === 'Identifier' &&
  node.callee.name === '__name' &&
  node.arguments.length === 2 &&
  isAnonymousFunction(node.arguments[0]) &&
  node.arguments[1].type === 'Literal' &&
  node.arguments[1].value === name;

/**
 * The name JavaScript gives an anonymous function in `node`'s value position, and that value:
 * `{ n: fn }`, `var n = fn`, `n = fn` (the spec's NamedEvaluation). Undefined elsewhere.
 */
function namingSite(node) {
  if (node.type === 'Property' && node.kind === 'init' && !node.computed && !node.method) {
    const name = node.key.type === 'Identifier' ? node.key.name : node.key.value;
    // `__proto__: value` sets the prototype and names nothing.
    return node.shorthand || name === '__proto__'
      ? undefined
      : { name: String(name), value: node.value };
  }
  if (node.type === 'VariableDeclarator' && node.id.type === 'Identifier' && node.init) {
    return { name: node.id.name, value: node.init };
  }
  if (
    node.type === 'AssignmentExpression' &&
    node.operator === '=' &&
    node.left.type === 'Identifier'
  ) {
    return { name: node.left.name, value: node.right };
  }
  return undefined;
}

/**
 * keepNames wraps a closure in `__name(() => ..., "getRequest")` even where the language already
 * names it so (`{ getRequest: () => ... }`); the wrapper then costs a call and a defineProperty
 * each time the closure is made, on every request for Nest's execution context and rxjs. There,
 * the wrapper is replaced by spaces: the function gets the same `name`, with the same attributes,
 * from the language, and every other character keeps its line and column (the source map holds).
 * Wrappers that set another name (a symbol esbuild renamed) stay.
 */
function blankRedundantNames(text) {
  const blanks = [];
  const visit = (node) => {
    const site = namingSite(node);
    if (site && isWrapperNaming(site.value, site.name)) {
      const call = site.value;
      const fn = call.arguments[0];
      blanks.push([call.start, fn.start], [fn.end, call.end]);
    }
    for (const key of Object.keys(node)) {
      const child = node[key];
      for (const each of Array.isArray(child) ? child : [child]) {
        if (each && typeof each.type === 'string') {
          visit(each);
        }
      }
    }
  };
  visit(acorn.parse(text, { ecmaVersion: 'latest', sourceType: 'script' }));
  blanks.sort((a, b) => a[0] - b[0]);
  const parts = [];
  let at = 0;
  for (const [start, end] of blanks) {
    parts.push(text.slice(at, start), ' '.repeat(end - start));
    at = end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

module.exports = { blankRedundantNames };
