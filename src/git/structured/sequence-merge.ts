/**
 * Three-way merge of one list of syntax siblings (statements, members, entries), treating each
 * sibling as one unit: diff3 over sibling identities instead of lines. Pure: it sees texts and
 * ids, never a parser. `null` means "not provably safe": the caller keeps git's conflict.
 */

export interface Unit {
  /** What makes two versions of this sibling "the same one": a declared name, or its whole text. */
  id: string;
  /** True when `id` is a declared name (two different units may not share it). */
  keyed: boolean;
  text: string;
  /** Its syntax type: a separator borrowed from other neighbours must sit between the same types. */
  kind: string;
  /** Insertions at one place may be ordered (ours first) only for units that commute. */
  commutes: boolean;
}

export interface Sequence {
  head: string;
  units: Unit[];
  /** gaps[i] is the text between units[i - 1] and units[i]; gaps[0] is unused (the head). */
  gaps: string[];
  tail: string;
}

/** Merges three versions of one unit that both sides changed (recursing into its syntax), or null. */
export type UnitMerger = (base: Unit, ours: Unit, theirs: Unit) => string | null;

type Side = 'base' | 'ours' | 'theirs';
interface Placed {
  text: string;
  id: string;
  keyed: boolean;
  kind: string;
  /** Index of this unit in each version that has it (by identity). */
  at: Partial<Record<Side, number>>;
  /** The side whose text this is, for the gap before it when no version had its neighbour. */
  from: Side;
}

export function mergeSequences(
  base: Sequence,
  ours: Sequence,
  theirs: Sequence,
  mergeUnit: UnitMerger,
): string | null {
  for (const version of [base, ours, theirs]) if (hasDuplicateKeys(version.units)) return null;
  const head = pick3(base.head, ours.head, theirs.head);
  const tail = pick3(base.tail, ours.tail, theirs.tail);
  if (head === null || tail === null) return null;
  const placed = mergeUnits(base, ours, theirs, mergeUnit);
  if (!placed || hasDuplicateKeys(placed)) return null;
  let text = head;
  for (let index = 0; index < placed.length; index += 1) {
    const unit = placed[index] as Placed;
    if (index > 0) {
      const gap = gapBetween(placed[index - 1] as Placed, unit, { base, ours, theirs });
      if (gap === null) return null;
      text += gap;
    }
    text += unit.text;
  }
  return text + tail;
}

/** The classic three-way choice on plain text: one side's change wins; two different changes: null. */
export function pick3(base: string, ours: string, theirs: string): string | null {
  if (ours === base) return theirs;
  if (theirs === base || ours === theirs) return ours;
  return null;
}

function mergeUnits(
  base: Sequence,
  ours: Sequence,
  theirs: Sequence,
  mergeUnit: UnitMerger,
): Placed[] | null {
  const b = base.units;
  const o = ours.units;
  const t = theirs.units;
  const inOurs = matchIds(b, o);
  const inTheirs = matchIds(b, t);
  const out: Placed[] = [];
  let i = 0;
  let j = 0;
  let k = 0;
  for (;;) {
    let s = i;
    while (s < b.length && (inOurs[s] === undefined || inTheirs[s] === undefined)) s += 1;
    const oEnd = s < b.length ? (inOurs[s] as number) : o.length;
    const tEnd = s < b.length ? (inTheirs[s] as number) : t.length;
    const chunk = mergeChunk(
      { from: i, units: b.slice(i, s) },
      { from: j, units: o.slice(j, oEnd) },
      { from: k, units: t.slice(k, tEnd) },
      mergeUnit,
    );
    if (!chunk) return null;
    out.push(...chunk);
    if (s >= b.length) return out;
    const stable = mergeOne(b[s] as Unit, o[oEnd] as Unit, t[tEnd] as Unit, mergeUnit);
    if (stable === null) return null;
    out.push({ ...stable, at: { base: s, ours: oEnd, theirs: tEnd } });
    i = s + 1;
    j = oEnd + 1;
    k = tEnd + 1;
  }
}

interface Slice {
  from: number;
  units: Unit[];
}

/** One region between stable units: at most one side changed its shape, or both only inserted. */
function mergeChunk(b: Slice, o: Slice, t: Slice, mergeUnit: UnitMerger): Placed[] | null {
  if (b.units.length === 0 && o.units.length === 0 && t.units.length === 0) return [];
  const sameShape = (x: Slice, y: Slice): boolean =>
    x.units.length === y.units.length && x.units.every((unit, n) => unit.id === y.units[n]?.id);
  if (sameShape(o, b)) return follow(t, 'theirs', b, o, 'ours', mergeUnit);
  if (sameShape(t, b)) return follow(o, 'ours', b, t, 'theirs', mergeUnit);
  if (sameShape(o, t)) return follow(o, 'ours', b, t, 'theirs', mergeUnit);
  if (b.units.length > 0) return alongside(b, o, t, mergeUnit);
  // Both sides inserted here and nothing of the base is in between: keep both, ours first.
  if (![...o.units, ...t.units].every((unit) => unit.commutes)) return null;
  const placed: Placed[] = o.units.map((unit, n) => place(unit, 'ours', o.from + n));
  const oursTexts = new Set(o.units.map((unit) => unit.text));
  t.units.forEach((unit, n) => {
    const twin = placed.find((p) => p.text === unit.text);
    if (twin) twin.at.theirs = t.from + n;
    else placed.push(place(unit, 'theirs', t.from + n));
  });
  // An identical unit both added is kept once; but a partly shared insertion is ambiguous.
  const shared = t.units.filter((unit) => oursTexts.has(unit.text)).length;
  if (shared > 0 && (shared !== t.units.length || shared !== o.units.length)) return null;
  return placed;
}

/**
 * Neighbours changed in place (git's "adjacent lines" conflict): the same number of units on every
 * side, merged position by position; a unit both sides changed merges inside its syntax or not at all.
 */
function alongside(b: Slice, o: Slice, t: Slice, mergeUnit: UnitMerger): Placed[] | null {
  if (o.units.length !== b.units.length || t.units.length !== b.units.length) return null;
  const out: Placed[] = [];
  for (const [n, baseUnit] of b.units.entries()) {
    const oursUnit = o.units[n] as Unit;
    const theirsUnit = t.units[n] as Unit;
    // Both replaced this unit: only the same kind of syntax can merge inside (see `mergeUnit`).
    const bothChanged = oursUnit.id !== baseUnit.id && theirsUnit.id !== baseUnit.id;
    if (bothChanged && (oursUnit.kind !== baseUnit.kind || theirsUnit.kind !== baseUnit.kind)) return null;
    const merged = mergeOne(baseUnit, oursUnit, theirsUnit, mergeUnit);
    if (merged === null) return null;
    const id = oursUnit.id === baseUnit.id ? theirsUnit.id : oursUnit.id;
    out.push({ ...merged, id, at: { base: b.from + n, ours: o.from + n, theirs: t.from + n } });
  }
  return out;
}

/**
 * The region takes the shape of `lead` (the side that changed it); each of its units that the
 * base had is merged with the other side's version; a base unit `lead` dropped must be unchanged
 * on the other side (a delete beside an edit is a true conflict).
 */
function follow(
  lead: Slice,
  leadSide: Side,
  b: Slice,
  other: Slice,
  otherSide: Side,
  mergeUnit: UnitMerger,
): Placed[] | null {
  const baseAt = new Map(b.units.map((unit, n) => [unit.id, n]));
  const otherAt = new Map(other.units.map((unit, n) => [unit.id, n]));
  for (const [id, n] of baseAt) {
    if (lead.units.some((unit) => unit.id === id)) continue;
    const theirsVersion = otherAt.get(id);
    if (theirsVersion === undefined) continue;
    if (other.units[theirsVersion]?.text !== b.units[n]?.text) return null;
  }
  const out: Placed[] = [];
  for (const [n, unit] of lead.units.entries()) {
    const inBase = baseAt.get(unit.id);
    const inOther = otherAt.get(unit.id);
    if (inBase === undefined) {
      // New on the lead side; the other side may have added the very same unit.
      if (inOther !== undefined && other.units[inOther]?.text !== unit.text) return null;
      const placed = place(unit, leadSide, lead.from + n);
      if (inOther !== undefined) placed.at[otherSide] = other.from + inOther;
      out.push(placed);
      continue;
    }
    const baseUnit = b.units[inBase] as Unit;
    const otherUnit = inOther === undefined ? baseUnit : (other.units[inOther] as Unit);
    const [oursUnit, theirsUnit] = leadSide === 'ours' ? [unit, otherUnit] : [otherUnit, unit];
    const merged = mergeOne(baseUnit, oursUnit, theirsUnit, mergeUnit);
    if (merged === null) return null;
    const at: Placed['at'] = { base: b.from + inBase, [leadSide]: lead.from + n };
    if (inOther !== undefined) at[otherSide] = other.from + inOther;
    out.push({ ...merged, at });
  }
  return out;
}

function mergeOne(base: Unit, ours: Unit, theirs: Unit, mergeUnit: UnitMerger): Omit<Placed, 'at'> | null {
  const plain = pick3(base.text, ours.text, theirs.text);
  const from: Side = plain === theirs.text && theirs.text !== ours.text ? 'theirs' : 'ours';
  const text = plain ?? mergeUnit(base, ours, theirs);
  if (text === null) return null;
  return { text, id: ours.id, keyed: ours.keyed, kind: ours.kind, from };
}

function place(unit: Unit, side: Side, index: number): Placed {
  return {
    text: unit.text,
    id: unit.id,
    keyed: unit.keyed,
    kind: unit.kind,
    at: { [side]: index },
    from: side,
  };
}

/** The text between two neighbours of the result, taken from the versions where they were neighbours. */
function gapBetween(left: Placed, right: Placed, versions: Record<Side, Sequence>): string | null {
  const found: Partial<Record<Side, string>> = {};
  for (const side of ['base', 'ours', 'theirs'] as const) {
    const l = left.at[side];
    const r = right.at[side];
    if (l !== undefined && r === l + 1) found[side] = versions[side].gaps[r] as string;
  }
  const seen = Object.values(found);
  if (seen.length > 0) {
    if (seen.every((gap) => gap === seen[0])) return seen[0] as string;
    const base = found.base;
    if (base === undefined) return null;
    return pick3(base, found.ours ?? base, found.theirs ?? base);
  }
  // New neighbours: a separator that stood between units of the same two types (a `;` or `,`
  // after the left one belongs to its type), after the left unit where it came from, or else
  // before the right one where it came from.
  const mine = versions[left.from];
  const l = left.at[left.from] as number;
  if (mine.units[l + 1]?.kind === right.kind) return mine.gaps[l + 1] as string;
  const own = versions[right.from];
  const r = right.at[right.from] as number;
  if (r > 0 && own.units[r - 1]?.kind === left.kind) return own.gaps[r] as string;
  return null;
}

/** Longest common subsequence of ids: for each base index, the index of its match (if any). */
function matchIds(base: Unit[], side: Unit[]): (number | undefined)[] {
  const n = base.length;
  const m = side.length;
  const width = m + 1;
  const table = new Uint32Array((n + 1) * width);
  for (let x = n - 1; x >= 0; x -= 1) {
    for (let y = m - 1; y >= 0; y -= 1) {
      table[x * width + y] =
        base[x]?.id === side[y]?.id
          ? (table[(x + 1) * width + y + 1] as number) + 1
          : Math.max(table[(x + 1) * width + y] as number, table[x * width + y + 1] as number);
    }
  }
  const match: (number | undefined)[] = new Array<number | undefined>(n).fill(undefined);
  let x = 0;
  let y = 0;
  while (x < n && y < m) {
    if (base[x]?.id === side[y]?.id) {
      match[x] = y;
      x += 1;
      y += 1;
    } else if ((table[(x + 1) * width + y] as number) >= (table[x * width + y + 1] as number)) x += 1;
    else y += 1;
  }
  return match;
}

function hasDuplicateKeys(units: readonly { id: string; keyed: boolean }[]): boolean {
  const seen = new Set<string>();
  for (const unit of units) {
    if (!unit.keyed) continue;
    if (seen.has(unit.id)) return true;
    seen.add(unit.id);
  }
  return false;
}
