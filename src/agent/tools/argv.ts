/**
 * A command line parsed once into an argument vector, the way a POSIX shell splits words
 * (blanks separate; '…' is literal; "…" keeps \" \\ \$ \` escapes; \x outside quotes is x), but
 * with nothing a shell would do on top: no pipes, redirections, command lists, substitutions or
 * variables. Control characters (a newline above all: a second command) are refused.
 */
export type ParsedCommandLine = { ok: true; argv: string[] } | { ok: false; error: string };

// C0 controls except none, DEL, and C1 controls.
// eslint-disable-next-line no-control-regex
const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/;
const shellOnly = new Set(['|', '&', ';', '<', '>', '(', ')', '$', '`']);

function describe(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  return char === '\n' ? 'a newline' : `the control character U+${code.toString(16).padStart(4, '0')}`;
}

export function parseCommandLine(line: string): ParsedCommandLine {
  const control = controlCharacter.exec(line);
  if (control) {
    return {
      ok: false,
      error: `the command contains ${describe(control[0])}; give one command per call, on one line`,
    };
  }
  const argv: string[] = [];
  let word: string | null = null;
  let index = 0;
  const refuse = (why: string): ParsedCommandLine => ({ ok: false, error: why });
  while (index < line.length) {
    const char = line[index]!;
    if (char === ' ') {
      if (word !== null) argv.push(word);
      word = null;
      index++;
    } else if (char === "'") {
      const end = line.indexOf("'", index + 1);
      if (end < 0) return refuse('the command has an unterminated single quote');
      word = (word ?? '') + line.slice(index + 1, end);
      index = end + 1;
    } else if (char === '"') {
      let text = '';
      index++;
      for (;;) {
        if (index >= line.length) return refuse('the command has an unterminated double quote');
        const inner = line[index]!;
        if (inner === '"') break;
        if (inner === '\\' && index + 1 < line.length && '"\\$`'.includes(line[index + 1]!)) {
          text += line[index + 1];
          index += 2;
        } else {
          text += inner;
          index++;
        }
      }
      word = (word ?? '') + text;
      index++;
    } else if (char === '\\') {
      if (index + 1 >= line.length) return refuse('the command ends with a lone backslash');
      word = (word ?? '') + line[index + 1];
      index += 2;
    } else if (shellOnly.has(char)) {
      return refuse(
        `"${char}" is shell syntax, and run_command starts one program without a shell (no pipes, redirections, command lists, substitutions or variables); quote it to pass it as a literal argument`,
      );
    } else {
      word = (word ?? '') + char;
      index++;
    }
  }
  if (word !== null) argv.push(word);
  if (argv.length === 0) return refuse('the command is empty');
  return { ok: true, argv };
}

/** Whether a configured command is plain words (matched by argv) or needs the user's shell (matched exactly). */
export function isPlainCommand(text: string): boolean {
  const parsed = parseCommandLine(text);
  return parsed.ok && !/['"\\]/.test(text);
}
