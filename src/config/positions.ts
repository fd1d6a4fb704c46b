import { checkJson } from './json-check.js';
import { parseDocument, isMap, isSeq, isScalar, LineCounter, type Node } from 'yaml';

export interface Position {
  line: number;
  column: number;
}

/** 1-based line and column of a character offset. */
export function positionOf(text: string, offset: number): Position {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

/** JSON.parse after a strict check that gives the first problem's line and column. */
export function parseJsonWithPosition(
  text: string,
): { value: unknown } | { error: string; position: Position } {
  const problem = checkJson(text);
  if (problem)
    return { error: `invalid JSON: ${problem.message}`, position: positionOf(text, problem.offset) };
  return { value: JSON.parse(text.replace(/^\uFEFF/, '')) as unknown };
}

/** YAML parse (also accepts JSON) with the first error's position. */
export function parseYamlWithPosition(
  text: string,
): { value: unknown } | { error: string; position: Position } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const at = lineCounter.linePos(first.pos[0]);
    const [line, column] = [at.line, at.col];
    const message = first.message.split('\n')[0] ?? first.message;
    return { error: `invalid YAML: ${message}`, position: { line, column } };
  }
  return { value: doc.toJS() as unknown };
}

/**
 * Where a key path sits in a JSON or YAML text (JSON is YAML), for schema errors. Falls back to the
 * nearest existing parent; undefined when the text does not parse.
 */
export function findKeyPosition(text: string, path: readonly (string | number)[]): Position | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) return undefined;
  let node: unknown = doc.contents;
  let found: Node | undefined = isMap(node) || isSeq(node) || isScalar(node) ? node : undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(key));
      if (!pair) break;
      found = isScalar(pair.key) ? pair.key : found;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key];
      if (!item) break;
      found = isMap(item) || isSeq(item) || isScalar(item) ? item : found;
      node = item;
    } else {
      break;
    }
  }
  const offset = found?.range?.[0];
  if (offset === undefined) return undefined;
  const pos = lineCounter.linePos(offset);
  return { line: pos.line, column: pos.col };
}
