/**
 * Just enough syntax colouring for conflict hunks: keywords, strings, comments and numbers by file
 * extension. A line at a time (hunks cut through block comments anyway), no dependency.
 */
export type TokenKind = 'plain' | 'keyword' | 'string' | 'comment' | 'number';

export interface Token {
  text: string;
  kind: TokenKind;
}

interface Language {
  keywords: ReadonlySet<string>;
  lineComment: string[];
  quotes: string;
}

const words = (text: string): ReadonlySet<string> => new Set(text.split(/\s+/).filter(Boolean));

const jsLike: Language = {
  keywords: words(`break case catch class const continue debugger default delete do else enum export extends
    false finally for from function if implements import in instanceof interface let new null of private protected
    public readonly return static super switch this throw true try type typeof undefined var void while with yield
    async await as`),
  lineComment: ['//'],
  quotes: `'"\``,
};

const languages: Record<string, Language> = {
  js: jsLike,
  python: {
    keywords: words(`and as assert async await break class continue def del elif else except False finally for
      from global if import in is lambda None nonlocal not or pass raise return True try while with yield self`),
    lineComment: ['#'],
    quotes: `'"`,
  },
  go: {
    keywords: words(`break case chan const continue default defer else fallthrough for func go goto if import
      interface map package range return select struct switch type var nil true false`),
    lineComment: ['//'],
    quotes: `"'\``,
  },
  rust: {
    keywords:
      words(`as async await break const continue crate else enum extern false fn for if impl in let loop
      match mod move mut pub ref return self Self static struct super trait true type unsafe use where while`),
    lineComment: ['//'],
    quotes: `"`,
  },
  c: {
    keywords:
      words(`auto break case char class const continue default do double else enum extern float for goto
      if int long namespace new private protected public register return short signed sizeof static struct switch
      template this typedef union unsigned void volatile while bool true false null abstract final boolean extends
      implements import package throws throw try catch finally`),
    lineComment: ['//'],
    quotes: `'"`,
  },
  shell: {
    keywords: words(`if then else elif fi for while do done case esac function in return export local set`),
    lineComment: ['#'],
    quotes: `'"`,
  },
  ruby: {
    keywords:
      words(`begin class def do else elsif end ensure false for if module nil not require rescue return
      self true unless until when while yield`),
    lineComment: ['#'],
    quotes: `'"`,
  },
};

const extensions: Record<string, string> = {
  js: 'js',
  jsx: 'js',
  mjs: 'js',
  cjs: 'js',
  ts: 'js',
  tsx: 'js',
  mts: 'js',
  cts: 'js',
  json: 'js',
  py: 'python',
  go: 'go',
  rs: 'rust',
  c: 'c',
  h: 'c',
  cc: 'c',
  cpp: 'c',
  hpp: 'c',
  java: 'c',
  kt: 'c',
  cs: 'c',
  swift: 'c',
  sh: 'shell',
  bash: 'shell',
  zsh: 'shell',
  rb: 'ruby',
};

/** The language of a path by its extension, or null when unknown (then nothing is coloured). */
export function languageOf(path: string): string | null {
  const extension = /\.([^./]+)$/.exec(path)?.[1]?.toLowerCase();
  return (extension && extensions[extension]) || null;
}

export function highlightLine(line: string, language: string | null): Token[] {
  const spec = language ? languages[language] : undefined;
  if (!spec) return [{ text: line, kind: 'plain' }];
  const tokens: Token[] = [];
  const push = (text: string, kind: TokenKind): void => {
    const last = tokens[tokens.length - 1];
    if (last && last.kind === kind) last.text += text;
    else if (text !== '') tokens.push({ text, kind });
  };
  let i = 0;
  while (i < line.length) {
    const rest = line.slice(i);
    const char = line[i] ?? '';
    if (spec.lineComment.some((marker) => rest.startsWith(marker))) {
      push(rest, 'comment');
      break;
    }
    if (spec.quotes.includes(char)) {
      let end = i + 1;
      while (end < line.length && line[end] !== char) end += line[end] === '\\' ? 2 : 1;
      push(line.slice(i, end + 1), 'string');
      i = end + 1;
      continue;
    }
    const word = /^[A-Za-z_$][\w$]*/.exec(rest)?.[0];
    if (word) {
      push(word, spec.keywords.has(word) ? 'keyword' : 'plain');
      i += word.length;
      continue;
    }
    const number = /^\d[\d_.xXa-fA-F]*/.exec(rest)?.[0];
    if (number) {
      push(number, 'number');
      i += number.length;
      continue;
    }
    push(char, 'plain');
    i += 1;
  }
  return tokens;
}
