/**
 * Model and agent text is untrusted: printed raw, an escape sequence can set the clipboard (OSC 52),
 * the window title (OSC 0), clear the screen or forge lines. Everything maestro prints that may
 * carry such text goes through these functions, the TUI and headless output alike.
 */

// ESC or 8-bit C1 introducer, then: string sequences (OSC, DCS, SOS, PM, APC) up to BEL/ST or the end;
// CSI with its parameters and final byte; or any other single-character escape.
const ESCAPE_SEQUENCE = new RegExp(
  [
    '(?:\\u001b[\\]PX^_]|[\\u0090\\u0098\\u009d\\u009e\\u009f])[\\s\\S]*?(?:\\u0007|\\u001b\\\\|\\u009c|$)',
    '(?:\\u001b\\[|\\u009b)[\\u0030-\\u003f]*[\\u0020-\\u002f]*[\\u0040-\\u007e]?',
    '\\u001b[\\u0020-\\u002f]*[\\u0030-\\u007e]?',
  ].join('|'),
  'g',
);
// C0 controls except tab and newline, DEL, and the C1 range.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Text with every escape sequence and control character removed; tabs and newlines stay. */
export function inertText(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(CONTROL, '');
}

/** One terminal line: as `inertText`, and line breaks and tabs become spaces (no forged lines). */
export function inertLine(text: string): string {
  return inertText(text).replace(/[\t\n]+/g, ' ');
}

/**
 * JSON for a terminal: `JSON.stringify` escapes C0 controls but leaves DEL and C1 (U+0080–U+009F,
 * 8-bit CSI/OSC on some terminals) raw; this escapes them too, keeping the JSON equivalent.
 */
export function inertJson(json: string): string {
  return json.replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
