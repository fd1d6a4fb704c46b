import { describe, expect, it } from 'vitest';
import { OutputCap } from './output-cap.js';

describe('OutputCap', () => {
  it('keeps everything while it fits', () => {
    const cap = new OutputCap(5, 5);
    cap.push('abc');
    cap.push('defg');
    expect(cap.toString()).toBe('abcdefg');
  });

  it('keeps head and tail and counts what fell between', () => {
    const cap = new OutputCap(3, 4);
    for (const chunk of ['012', '3456', '789', 'ABCD', 'EF']) cap.push(chunk);
    expect(cap.toString()).toBe('012\n… [9 characters omitted] …\nCDEF');
  });
});
