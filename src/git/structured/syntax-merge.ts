import type { Node } from 'web-tree-sitter';
import { mergeSequences, pick3, type Sequence, type Unit } from './sequence-merge.js';

/** What a language tells the merge: which nodes are lists of siblings, and who a sibling is. */
export interface Grammar {
  /**
   * The rule for a node whose named children form a list, or null for a fixed-shape node.
   * `commutes(child)`: two insertions at one place may be kept side by side (ours first).
   */
  list(node: Node): { commutes(child: Node): boolean } | null;
  /** A declared name that identifies the sibling across versions (null: its text does). */
  key(node: Node): string | null;
}

/** One version of a node: its syntax and the span of its own file it stands for. */
export interface Version {
  node: Node;
  source: string;
  start: number;
  end: number;
}

export function versionOf(node: Node, source: string): Version {
  return { node, source, start: node.startIndex, end: node.endIndex };
}

/**
 * Three-way merge of one node: text equality first, then lists merged by sibling, then
 * fixed-shape nodes child by child. Null wherever the two sides touched the same syntax.
 */
export function mergeNodes(grammar: Grammar, base: Version, ours: Version, theirs: Version): string | null {
  const texts = [base, ours, theirs].map(textOf) as [string, string, string];
  const plain = pick3(...texts);
  if (plain !== null) return plain;
  const types = new Set([base.node.type, ours.node.type, theirs.node.type]);
  if (types.size !== 1) return null;
  const rule = grammar.list(ours.node);
  const sequences = rule
    ? [base, ours, theirs].map((version) => listSequence(grammar, version, rule.commutes))
    : fixedSequences(base, ours, theirs);
  if (!sequences) return null;
  const [b, o, t] = sequences as [Built, Built, Built];
  return mergeSequences(b.sequence, o.sequence, t.sequence, (bu, ou, tu) => {
    const nodes = [b.nodes.get(bu), o.nodes.get(ou), t.nodes.get(tu)];
    if (!nodes[0] || !nodes[1] || !nodes[2]) return null;
    return mergeNodes(
      grammar,
      versionOf(nodes[0], base.source),
      versionOf(nodes[1], ours.source),
      versionOf(nodes[2], theirs.source),
    );
  });
}

interface Built {
  sequence: Sequence;
  nodes: Map<Unit, Node>;
}

function textOf(version: Version): string {
  return version.source.slice(version.start, version.end);
}

function listSequence(grammar: Grammar, version: Version, commutes: (child: Node) => boolean): Built | null {
  const children = version.node.namedChildren.filter((child): child is Node => child !== null);
  if (children.length === 0) return null;
  return build(version, children, (child) => {
    const key = grammar.key(child);
    const text = version.source.slice(child.startIndex, child.endIndex);
    return {
      id: key === null ? `=${child.type}:${text}` : `${child.type}:${key}`,
      keyed: key !== null,
      text,
      kind: child.type,
      commutes: commutes(child),
    };
  });
}

/** Nodes of a fixed shape merge child by child, only when all three have the same children. */
function fixedSequences(base: Version, ours: Version, theirs: Version): Built[] | null {
  const shape = (version: Version): string[] => version.node.children.map((child) => child?.type ?? '');
  const [b, o, t] = [shape(base), shape(ours), shape(theirs)];
  if (b.length === 0 || b.join() !== o.join() || b.join() !== t.join()) return null;
  return [base, ours, theirs].map((version) =>
    build(
      version,
      version.node.children.filter((child): child is Node => child !== null),
      (child, index) => ({
        id: `${index}:${child.type}`,
        keyed: false,
        text: version.source.slice(child.startIndex, child.endIndex),
        kind: child.type,
        commutes: false,
      }),
    ),
  );
}

function build(version: Version, children: Node[], unitOf: (child: Node, index: number) => Unit): Built {
  const nodes = new Map<Unit, Node>();
  const units: Unit[] = [];
  const gaps: string[] = [''];
  children.forEach((child, index) => {
    const unit = unitOf(child, index);
    nodes.set(unit, child);
    units.push(unit);
    if (index > 0) gaps.push(version.source.slice((children[index - 1] as Node).endIndex, child.startIndex));
  });
  const first = children[0] as Node;
  const last = children[children.length - 1] as Node;
  return {
    nodes,
    sequence: {
      head: version.source.slice(version.start, first.startIndex),
      units,
      gaps,
      tail: version.source.slice(last.endIndex, version.end),
    },
  };
}

/** The name a declaration-like node declares (its `name` field, or its declaration's), spaces folded. */
export function declaredName(node: Node): string | null {
  const name = node.childForFieldName('name');
  if (name) return name.text.replace(/\s+/g, ' ');
  for (const field of ['declaration', 'definition']) {
    const inner = node.childForFieldName(field);
    if (inner) return declaredName(inner);
  }
  return null;
}
