import { describe, expect, it } from 'vitest';
import { WalkGate } from './walk-gate.js';

/** A walk that ends when told to, recording when it began. */
function walk(log: string[], name: string) {
  let end: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (end = resolve));
  return { run: async () => void (log.push(name), await done), end: () => end() };
}

describe('walk gate', () => {
  it('runs at most its concurrency at a time, in order, and a failed walk frees its slot', async () => {
    const gate = new WalkGate(2);
    const log: string[] = [];
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => walk(log, name));
    const failing = gate.run(async () => {
      log.push('x');
      throw new Error('walk failed');
    });
    const runs = [a, b, c, d].map((w) => gate.run(w!.run));
    await expect(failing).rejects.toThrow('walk failed');
    // Two slots: 'a' runs, 'b' took the failed walk's slot; 'c' and 'd' wait.
    await expect.poll(() => log).toEqual(['x', 'a', 'b']);
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['x', 'a', 'b']);
    b!.end();
    await expect.poll(() => log).toEqual(['x', 'a', 'b', 'c']);
    a!.end();
    c!.end();
    await expect.poll(() => log).toEqual(['x', 'a', 'b', 'c', 'd']);
    d!.end();
    await Promise.all(runs);
  });

  it('refuses a concurrency that is not a positive integer', () => {
    expect(() => new WalkGate(0)).toThrow('positive integer');
    expect(() => new WalkGate(1.5)).toThrow('positive integer');
  });
});
