import { describe, expect, it } from 'vitest';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { tempDir } from '../../test/helpers/repo.js';

describe('writeFileAtomic', () => {
  it('concurrent writes of one file never collide and leave no temp files', async () => {
    const dir = await tempDir();
    const file = join(dir, 'state.json');
    await Promise.all(Array.from({ length: 20 }, (_, i) => writeFileAtomic(file, `{"n": ${i}}`)));
    expect(await readFile(file, 'utf8')).toMatch(/^\{"n": \d+\}$/);
    expect(await readdir(dir)).toEqual(['state.json']);
  });
});
