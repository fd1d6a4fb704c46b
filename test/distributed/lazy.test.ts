import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { editAndFinish, fakeServer, fixtureRepo, runOnFake } from '../e2e/harness.js';
import { tempDir } from '../helpers/repo.js';
import { runCli } from '../helpers/cli.js';

const tracer = fileURLToPath(new URL('./fixtures/trace-modules.mjs', import.meta.url));
const queueCode = /node_modules\/(bullmq|ioredis)\/|\/executor\/queue\//;

describe('a local run loads no queue code', () => {
  it('runs a task locally without resolving bullmq, ioredis or src/executor/queue', async () => {
    const server = await fakeServer({
      tokenLatencyMs: 0,
      rules: editAndFinish('t1', { path: 'a.txt', content: 'A\n' }),
      fallback: { text: 'unexpected' },
    });
    const fixture = await fixtureRepo({ 'a.txt': 'a\n' });
    const plan = join(fixture.home, 'plan.json');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      plan,
      JSON.stringify({
        objective: 'o',
        tasks: [{ id: 't1', title: 'T1', instructions: 'Edit a.txt.', files: ['a.txt'], dependsOn: [] }],
      }),
    );
    const trace = join(await tempDir('maestro-trace-'), 'modules.txt');
    const result = await runOnFake(fixture, server, ['run', '--plan', plan, '--headless'], {
      NODE_OPTIONS: `--import=${tracer}`,
      MAESTRO_TRACE_MODULES: trace,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    const modules = (await readFile(trace, 'utf8')).split('\n');
    expect(modules.some((url) => url.includes('/dist/executor/local.js'))).toBe(true);
    expect(modules.filter((url) => queueCode.test(url))).toEqual([]);
  });

  it('maestro worker refuses a Redis URL that is not one, in one line', async () => {
    const cwd = await tempDir();
    const result = await runCli(['worker', '--redis', 'http://127.0.0.1:1', '--data', cwd], { cwd });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('maestro: executor.redis must be a redis:// or rediss:// URL\n');
  });
});
