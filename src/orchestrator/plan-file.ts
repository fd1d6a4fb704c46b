import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, isNode } from 'yaml';
import type { Plan } from './plan.js';
import { validatePlan, type PlanIssue } from './plan-validate.js';
import { ConfigError } from '../errors.js';
import { parseJsonWithPosition } from '../config/positions.js';

/** Load `--plan FILE` (JSON or YAML, same schema); errors point at file:line:column. */
export async function loadPlanFile(file: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === 'ENOENT' ? 'plan file not found; check the path' : `cannot read the plan file (${code})`,
      { file },
    );
  }
  return parsePlanText(text, file);
}

export function parsePlanText(text: string, file: string): Plan {
  if (file.endsWith('.json')) checkJsonSyntax(text, file);
  const lineCounter = new LineCounter();
  // YAML 1.2 is a superset of JSON, so one parser serves both and reports positions for both.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntax = doc.errors[0];
  if (syntax) {
    const pos = lineCounter.linePos(syntax.pos[0]);
    throw new ConfigError(`not valid JSON or YAML: ${firstLine(syntax.message)}`, {
      file,
      line: pos?.line,
      column: pos?.col,
    });
  }
  const check = validatePlan(doc.toJS());
  if (check.ok) return check.plan;
  const first = check.issues[0] as PlanIssue;
  const pos = positionOf(doc, lineCounter, first.path);
  const more = check.issues.length > 1 ? ` (and ${check.issues.length - 1} more)` : '';
  throw new ConfigError(`${first.message}${more}; fix the plan and pass it again with --plan`, {
    file,
    line: pos?.line,
    column: pos?.col,
  });
}

function positionOf(
  doc: ReturnType<typeof parseDocument>,
  lineCounter: LineCounter,
  path: (string | number)[],
): { line: number; col: number } | undefined {
  // The deepest existing node along the path: a missing key points at its parent object.
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const node: unknown = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]);
  }
  return undefined;
}

/** A .json plan gets JSON's rules (duplicate keys and overflowing numbers included), with positions. */
function checkJsonSyntax(text: string, file: string): void {
  const parsed = parseJsonWithPosition(text);
  if ('error' in parsed) throw new ConfigError(parsed.error, { file, ...parsed.position });
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
