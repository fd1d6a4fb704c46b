import { createRequire } from 'node:module';
import type * as TreeSitter from 'web-tree-sitter';
import type { Language, Node, Parser } from 'web-tree-sitter';
import { languageFor, type LanguageSpec } from './languages.js';
import { mergeNodes, type Version } from './syntax-merge.js';

/**
 * Merges one conflicted file by its syntax: parses base, ours and theirs with tree-sitter and
 * merges sibling by sibling (see `mergeSequences`). The answer is the merged text only when every
 * conflicting region touched different syntax and the result parses; otherwise null, and the file
 * stays a conflict for review exactly as git left it. The parser (WebAssembly) loads on first use.
 */
export class StructuredMerger {
  private runtime: Promise<typeof TreeSitter> | undefined;
  private readonly languages = new Map<string, Promise<Language>>();
  private readonly parsers = new Map<string, Parser>();

  /** True when the path's language is one this merge knows (others are never attempted). */
  handles(path: string): boolean {
    return languageFor(path) !== undefined;
  }

  async mergeFile(path: string, base: string, ours: string, theirs: string): Promise<string | null> {
    const spec = languageFor(path);
    if (!spec) return null;
    const parser = await this.parser(spec);
    const trees = [base, ours, theirs].map((source) => parser.parse(source));
    try {
      const roots = trees.map((tree) => tree?.rootNode);
      if (roots.some((root) => !root || root.hasError)) return null;
      const [b, o, t] = [base, ours, theirs].map((source, index) =>
        fileVersion(roots[index] as Node, source),
      ) as [Version, Version, Version];
      const merged = mergeNodes(spec.grammar, b, o, t);
      if (merged === null) return null;
      const check = parser.parse(merged);
      try {
        return check && !check.rootNode.hasError ? merged : null;
      } finally {
        check?.delete();
      }
    } finally {
      for (const tree of trees) tree?.delete();
    }
  }

  private async parser(spec: LanguageSpec): Promise<Parser> {
    const existing = this.parsers.get(spec.name);
    if (existing) return existing;
    const runtime = await this.loadRuntime();
    const language = await this.language(spec, runtime);
    const parser = this.parsers.get(spec.name) ?? new runtime.Parser();
    parser.setLanguage(language);
    this.parsers.set(spec.name, parser);
    return parser;
  }

  private loadRuntime(): Promise<typeof TreeSitter> {
    this.runtime ??= import('web-tree-sitter').then(async (module) => {
      await module.Parser.init();
      return module;
    });
    return this.runtime;
  }

  private language(spec: LanguageSpec, runtime: typeof TreeSitter): Promise<Language> {
    let loading = this.languages.get(spec.name);
    if (!loading) {
      const require = createRequire(import.meta.url);
      loading = runtime.Language.load(require.resolve(`${spec.wasm.pkg}/${spec.wasm.file}`));
      this.languages.set(spec.name, loading);
    }
    return loading;
  }
}

/** The whole file: the root node, with the text before and after it (blank lines, a final newline). */
function fileVersion(root: Node, source: string): Version {
  return { node: root, source, start: 0, end: source.length };
}
