/**
 * A strict JSON syntax check that says *where* the first problem is. V8's `JSON.parse` messages no
 * longer carry a position (they quote an excerpt over several lines), and it accepts duplicate keys
 * and numbers that overflow to Infinity; config and plan files are refused for all three.
 */
export interface JsonProblem {
  message: string;
  /** Character offset of the problem in the text. */
  offset: number;
}

class Problem extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const maxDepth = 512;

export function checkJson(text: string): JsonProblem | null {
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const space = (): void => {
    while (at < text.length && ' \t\n\r'.includes(text[at] as string)) at += 1;
  };
  const unexpected = (): Problem =>
    at >= text.length
      ? new Problem('unexpected end of the file', at)
      : new Problem(`unexpected ${JSON.stringify(text[at])}`, at);
  const expect = (char: string): void => {
    space();
    if (text[at] !== char) throw new Problem(`expected ${JSON.stringify(char)}, found ${describe()}`, at);
    at += 1;
  };
  const describe = (): string => (at >= text.length ? 'the end of the file' : JSON.stringify(text[at]));
  const string = (): string => {
    const start = at;
    at += 1;
    let out = '';
    while (at < text.length && text[at] !== '"') {
      const char = text[at] as string;
      if (char < ' ') throw new Problem('a string may not hold a raw line break or control character', at);
      if (char === '\\') {
        const escape = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;
        escape.lastIndex = at;
        const match = escape.exec(text);
        if (!match) throw new Problem('invalid escape in a string', at);
        out += JSON.parse(`"${match[0]}"`) as string;
        at += match[0].length;
      } else {
        out += char;
        at += 1;
      }
    }
    if (at >= text.length) throw new Problem('a string is not closed', start);
    at += 1;
    return out;
  };
  const value = (depth: number): void => {
    if (depth > maxDepth) throw new Problem('nested too deeply', at);
    space();
    const char = text[at];
    if (char === '{') {
      at += 1;
      const keys = new Set<string>();
      space();
      if (text[at] === '}') return void (at += 1);
      for (;;) {
        space();
        if (text[at] !== '"') throw new Problem(`expected a "quoted" key, found ${describe()}`, at);
        const keyAt = at;
        const key = string();
        if (keys.has(key)) throw new Problem(`duplicate key ${JSON.stringify(key)}`, keyAt);
        keys.add(key);
        expect(':');
        value(depth + 1);
        space();
        if (text[at] === ',') at += 1;
        else return expect('}');
      }
    }
    if (char === '[') {
      at += 1;
      space();
      if (text[at] === ']') return void (at += 1);
      for (;;) {
        value(depth + 1);
        space();
        if (text[at] === ',') at += 1;
        else return expect(']');
      }
    }
    if (char === '"') return void string();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, at)) return void (at += word.length);
    }
    numberPattern.lastIndex = at;
    const number = numberPattern.exec(text);
    if (!number) throw unexpected();
    if (!Number.isFinite(Number(number[0]))) throw new Problem(`the number ${number[0]} is too large`, at);
    at += number[0].length;
  };
  try {
    value(0);
    space();
    if (at < text.length) throw new Problem(`unexpected ${describe()} after the end of the value`, at);
    return null;
  } catch (error) {
    if (error instanceof Problem) return { message: error.message, offset: error.offset };
    throw error;
  }
}
