import { describe, expect, it, vi } from 'vitest';
import { execa } from 'execa';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import OpenAI from 'openai';
import { launcher, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/repo.js';

describe('maestro fake-llm', () => {
  it('serves a scenario file until interrupted', async () => {
    const dir = await tempDir();
    const scenario = join(dir, 'scenario.json');
    await writeFile(
      scenario,
      JSON.stringify({ rules: [{ match: { lastUser: 'ping' }, reply: { text: 'pong' } }] }),
    );
    const child = execa(process.execPath, [launcher, 'fake-llm', '--scenario', scenario], {
      cwd: dir,
      reject: false,
      timeout: 30_000,
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await vi.waitFor(() => expect(out).toMatch(/OPENAI_BASE_URL=(\S+)/), { timeout: 15_000 });
    const baseURL = /OPENAI_BASE_URL=(\S+)/.exec(out)![1]!;
    const client = new OpenAI({ apiKey: 'sk-fake-0000000000000000000', baseURL, maxRetries: 0 });
    const reply = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'ping' }],
    });
    expect(reply.choices[0]?.message.content).toBe('pong');
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(0);
  });

  it('names the problem with a bad scenario file or port', async () => {
    const dir = await tempDir();
    const missing = await runCli(['fake-llm', '--scenario', join(dir, 'nope.yaml')], { cwd: dir });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/nope\.yaml: cannot read the scenario file/);
    await writeFile(join(dir, 's.yaml'), 'rules: []\n');
    const port = await runCli(['fake-llm', '--scenario', join(dir, 's.yaml'), '--port', 'abc'], { cwd: dir });
    expect(port.exitCode).toBe(2);
    expect(port.stderr).toContain('--port must be a number');
  });
});
