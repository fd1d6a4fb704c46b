// @ts-check
// Small helpers shared by the built-in templates. Plugins get everything else through their context.

const sourcePattern = /\.(m|c)?[jt]sx?$/;
const testPattern = /(^|\/)(__tests__|tests?|spec|e2e)\/|\.(test|spec)\.[^/]+$/;

/** Source files of the project (JS/TS), without tests, declarations and vendored code. */
export function sourceFiles(/** @type {string[]} */ files) {
  return files.filter(
    (file) =>
      sourcePattern.test(file) &&
      !file.endsWith('.d.ts') &&
      !testPattern.test(file) &&
      !file.includes('node_modules/'),
  );
}

/** A ref-safe, unique task id from a path or name. */
export function taskIdFrom(
  /** @type {string} */ prefix,
  /** @type {string} */ value,
  /** @type {Set<string>} */ taken,
) {
  const base = `${prefix}-${value}`
    .toLowerCase()
    .replace(/\.[^./]+$/, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 56);
  let id = base || prefix;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

/** Parsed package.json of the repository, or null. */
export async function readPackageJson(/** @type {{ readFile(path: string): Promise<string> }} */ context) {
  try {
    return /** @type {{ dependencies?: Record<string,string>, devDependencies?: Record<string,string>, scripts?: Record<string,string> }} */ (
      JSON.parse(await context.readFile('package.json'))
    );
  } catch {
    return null;
  }
}

/** Names of exported or top-level functions and classes in a JS/TS source text that have no doc comment. */
export function undocumentedSymbols(/** @type {string} */ text) {
  const lines = text.split('\n');
  const declaration =
    /^(?:export\s+(?:default\s+)?)?(?:async\s+)?(?:function\*?\s+([A-Za-z_$][\w$]*)|class\s+([A-Za-z_$][\w$]*)|(?:const|let)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:async\s*)?(?:\([^)]*\)|[A-Za-z_$][\w$]*)\s*=>)/;
  /** @type {string[]} */
  const names = [];
  lines.forEach((line, index) => {
    const match = declaration.exec(line);
    if (!match) return;
    const exported = line.startsWith('export');
    const name = match[1] ?? match[2] ?? match[3];
    if (!name || (!exported && !/^(async\s+)?function|^class/.test(line))) return;
    let previous = index - 1;
    while (previous >= 0 && /^\s*(@\w+.*)?$/.test(lines[previous] ?? '')) previous--;
    if (!/\*\/\s*$/.test(lines[previous] ?? '')) names.push(name);
  });
  return names;
}
