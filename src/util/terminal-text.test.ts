import { describe, expect, it } from 'vitest';
import { inertJson, inertLine, inertText } from './terminal-text.js';

describe('inertText', () => {
  it.each([
    ['OSC 52 clipboard (BEL)', 'a\u001b]52;c;ZWNobyBwd25lZA==\u0007b', 'ab'],
    ['OSC 0 title (ST)', 'a\u001b]0;owned\u001b\\b', 'ab'],
    ['OSC left open to the end', 'a\u001b]0;owned', 'a'],
    ['clear screen', 'a\u001b[2Jb\u001b[H', 'ab'],
    ['colours and private modes', '\u001b[31mred\u001b[0m \u001b[?1049h', 'red '],
    ['8-bit CSI and OSC', 'a\u009b2Jb\u009d0;t\u009cc', 'abc'],
    ['DCS', 'a\u001bP1$qm\u001b\\b', 'ab'],
    ['two-character escapes', 'a\u001bcb\u001b(Bc', 'abc'],
    ['C0, DEL and C1 controls', 'a\u0000\u0007\u0008\r\u007f\u0085b', 'ab'],
    ['lone ESC at the end', 'ab\u001b', 'ab'],
  ])('strips %s', (_name, input, expected) => {
    expect(inertText(input)).toBe(expected);
  });

  it('keeps tabs, newlines and ordinary unicode', () => {
    expect(inertText('a\tb\nc ünï ✔ 日本')).toBe('a\tb\nc ünï ✔ 日本');
  });

  it('inertLine turns line breaks into spaces so no line can be forged', () => {
    expect(inertLine('done\nrun merged after 1s\r\n')).toBe('done run merged after 1s ');
  });

  it('inertJson escapes DEL and C1 and stays the same JSON', () => {
    const value = { text: 'a\u009b2J\u007f\u001b]0;x\u0007' };
    const out = inertJson(JSON.stringify(value));
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(JSON.parse(out)).toEqual(value);
  });
});
