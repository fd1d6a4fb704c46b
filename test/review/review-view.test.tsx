import { unconfinedSandbox } from '../../src/sandbox/run.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, cleanup } from 'ink-testing-library';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import stripAnsi from 'strip-ansi';
import { commitResolution, loadSession, openSession, saveSession } from '../../src/git/resolution.js';
import type { ResolutionSession } from '../../src/git/resolution-session.js';
import { ReviewApp, type ReviewServices } from '../../src/ui/review/ReviewView.js';
import { ConflictReview } from '../../src/ui/review/ConflictReview.js';
import { KeypressProvider } from '../../src/ui/keypress.js';
import { validateWith } from '../../src/ui/review/sessions.js';
import { tempDir } from '../helpers/repo.js';
import { conflictRepo, type MergeFixture } from './fixture.js';

afterEach(() => cleanup());

const labels = { ours: 'result (task A)', theirs: 'task B' };
const keys = { down: '\x1b[B', tab: '\t' };

async function setup(): Promise<{ fixture: MergeFixture; commonDir: string; session: ResolutionSession }> {
  const fixture = await conflictRepo();
  const commonDir = join(fixture.repo, '.git');
  const session = await openSession(fixture.repo, commonDir, { ...fixture, labels });
  return { fixture, commonDir, session };
}

function services(
  fixture: MergeFixture,
  commonDir: string,
  extra: Partial<ReviewServices> = {},
): ReviewServices {
  return {
    save: (session) => saveSession(commonDir, session),
    commit: (session, onOutput) =>
      commitResolution({
        repo: fixture.repo,
        commonDir,
        session,
        validate: validateWith(
          ['grep -q THEIRS-1 app.ts && echo validation passed'],
          60_000,
          process.env,
          unconfinedSandbox(),
          onOutput,
        ),
      }),
    ...extra,
  };
}

function mount(tree: React.ReactElement): {
  press: (...sequence: string[]) => Promise<void>;
  waitFor: (text: string | RegExp) => Promise<string>;
  frame: () => string;
} {
  const instance = render(tree);
  const frame = (): string => stripAnsi(instance.lastFrame() ?? '');
  return {
    frame,
    async press(...sequence) {
      for (const key of sequence) {
        instance.stdin.write(key);
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    waitFor: (text) =>
      vi.waitFor(
        () => {
          const current = frame();
          if (typeof text === 'string' ? !current.includes(text) : !text.test(current)) {
            throw new Error(`frame does not show ${String(text)}:\n${current}`);
          }
          return current;
        },
        { timeout: 5000, interval: 5 },
      ),
  };
}

describe('the review view, driven by keys', () => {
  it('resolves every conflict of a real repository and commits it', async () => {
    const { fixture, commonDir, session } = await setup();
    const onLeave = vi.fn();
    const ui = mount(
      <ReviewApp sessions={[session]} services={services(fixture, commonDir)} onLeave={onLeave} />,
    );
    // Files are listed in git's order; the first unresolved (added.md) is shown.
    let frame = await ui.waitFor('added.md · add/add · hunk 1/1');
    expect(frame).toContain('0/8 files resolved');
    expect(frame).toContain('ours (o) result (task A)');
    expect(frame).toContain('theirs (t) task B');

    await ui.press('t'); // added.md: theirs → moves on to app.ts
    frame = await ui.waitFor('app.ts · content · hunk 1/2');
    expect(frame).toMatch(
      /base \(b\)[\s\S]*line 3[\s\S]*ours \(o\)[\s\S]*OURS-1[\s\S]*theirs \(t\)[\s\S]*THEIRS-1/,
    );
    await ui.press(keys.down);
    await ui.waitFor('hunk 2/2');
    await ui.press('B'); // hunk 2: both, ours first
    await ui.waitFor('hunk 1/1');
    await ui.press('o');
    await ui.waitFor('gone.txt · modify/delete');
    await ui.press('z'); // undo walks back to the last pick, in app.ts
    frame = await ui.waitFor('app.ts · content · hunk 1/1');
    expect(frame).toContain('OURS-1');
    expect(frame).toMatch(/▸ ✗ app\.ts/);
    await ui.press('t'); // the first hunk: theirs this time
    await ui.waitFor('gone.txt · modify/delete');
    await ui.press('o'); // keep the modified file
    await ui.waitFor('image.bin · binary');
    await ui.press('>'); // whole file theirs
    await ui.waitFor('moved-ours.txt · rename');
    await ui.press('o');
    await ui.waitFor('moved-theirs.txt · rename');
    await ui.press('d');
    await ui.waitFor('moved.txt · rename');
    await ui.press('t'); // theirs has no moved.txt: deleted
    await ui.waitFor('win.txt · content · hunk 1/1');
    await ui.press('c');
    await ui.waitFor('file(s) still unresolved');
    await ui.press('b');
    frame = await ui.waitFor('Every file is resolved: c validates and commits.');
    expect(frame).toContain('8/8 files resolved');
    await ui.press('c');
    frame = await ui.waitFor('Committed');
    expect(frame).toContain('validation passed');

    const result = `maestro/${fixture.runId}/result`;
    const show = (path: string): string =>
      execFileSync('git', ['show', `${result}:${path}`], { cwd: fixture.repo, encoding: 'utf8' });
    expect(show('app.ts')).toContain('line 2\nTHEIRS-1\nline 4');
    expect(show('app.ts')).toContain('OURS-2\nTHEIRS-2\n');
    expect(show('win.txt')).toBe('one\r\ntwo\r\nthree\r\n');
    expect(show('image.bin')).toBe('BIN\0theirs\n');
    expect((await loadSession(commonDir, fixture.runId, fixture.taskId))?.committed).toBeDefined();
    await ui.press('q');
    expect(onLeave).toHaveBeenCalledOnce();
  });

  it('shows the resolved lines that c will commit once the last hunk is decided', async () => {
    const { fixture, commonDir, session } = await setup();
    const ui = mount(
      <ReviewApp sessions={[session]} services={services(fixture, commonDir)} onLeave={() => undefined} />,
    );
    await ui.waitFor('added.md · add/add');
    for (const [key, next] of [
      ['t', 'app.ts · content · hunk 1/2'],
      ['t', 'app.ts · content · hunk 1/1'],
      ['B', 'gone.txt · modify/delete'],
      ['o', 'image.bin · binary'],
      ['>', 'moved-ours.txt · rename'],
      ['o', 'moved-theirs.txt · rename'],
      ['d', 'moved.txt · rename'],
      ['t', 'win.txt · content · hunk 1/1'],
    ] as const) {
      await ui.press(key);
      await ui.waitFor(next);
    }
    await ui.press('t'); // the last hunk of the last file
    let frame = await ui.waitFor('Every file is resolved: c validates and commits.');
    expect(frame).toMatch(/✓ resolved · c commits these lines[^\n]*\n\s*line 2\n\s*THEIRS\n/);
    await ui.press(...Array<string>(6).fill('K'));
    frame = await ui.waitFor('── app.ts · content ');
    expect(frame).toMatch(/line 3\n\s*THEIRS-1\n\s*lines 15–16\n\s*OURS-2\n\s*THEIRS-2\n/);
    expect(frame).not.toContain('OURS-1');
    await ui.press('c');
    await ui.waitFor('Committed');
    const committed = execFileSync('git', ['show', `maestro/${fixture.runId}/result:app.ts`], {
      cwd: fixture.repo,
      encoding: 'utf8',
    });
    expect(committed).toContain('line 2\nTHEIRS-1\nline 4\n');
    expect(committed).toContain('line 14\nOURS-2\nTHEIRS-2\nline 16\n');
  });

  it('keeps picks when left half-way and resumes there', async () => {
    const { fixture, commonDir, session } = await setup();
    const first = mount(
      <ReviewApp sessions={[session]} services={services(fixture, commonDir)} onLeave={() => undefined} />,
    );
    await first.waitFor('added.md · add/add');
    await first.press('o');
    await first.waitFor('app.ts · content · hunk 1/2');
    await first.press('t');
    await first.waitFor('hunk 1/1');
    await vi.waitFor(async () => {
      const saved = await loadSession(commonDir, fixture.runId, fixture.taskId);
      expect(saved?.picks.map((pick) => pick.pick)).toEqual(['ours', 'theirs']);
    });
    cleanup();

    const resumed = await openSession(fixture.repo, commonDir, { ...fixture, labels });
    const second = mount(
      <ReviewApp sessions={[resumed]} services={services(fixture, commonDir)} onLeave={() => undefined} />,
    );
    const frame = await second.waitFor('app.ts · content · hunk 1/1');
    expect(frame).toContain('1/8 files resolved');
    expect(frame).toContain('OURS-2');
  });

  it('edits a hunk in $EDITOR, shows a model proposal as a fourth side and picks it', async () => {
    const { fixture, commonDir, session } = await setup();
    const dir = await tempDir();
    const editor = join(dir, 'editor.sh');
    await writeFile(editor, '#!/bin/sh\nprintf "from the editor\\n" > "$1"\n');
    await chmod(editor, 0o755);
    const propose = vi.fn(async () => ['# proposed by the model']);
    const ui = mount(
      <ReviewApp
        sessions={[session]}
        services={services(fixture, commonDir, { propose })}
        onLeave={() => undefined}
        env={{ ...process.env, EDITOR: editor, VISUAL: '' }}
      />,
    );
    await ui.waitFor('added.md · add/add');
    await ui.press('g');
    const frame = await ui.waitFor('proposal (p)');
    expect(frame).toContain('# proposed by the model');
    expect(propose).toHaveBeenCalledWith(
      expect.objectContaining({ ours: ['# ours'], theirs: ['# theirs'] }),
      expect.anything(),
    );
    await ui.press('p');
    await ui.waitFor('app.ts · content · hunk 1/2');
    await ui.press('e');
    await ui.waitFor('app.ts · content · hunk 1/1');
    const saved = await vi.waitFor(async () => {
      const value = await loadSession(commonDir, fixture.runId, fixture.taskId);
      expect(value?.picks).toHaveLength(2);
      return value;
    });
    const files = saved?.files ?? [];
    const text = (path: string): string => {
      const state = files.find((file) => file.path === path)?.history.at(-1);
      return state?.kind === 'text' ? state.text : '';
    };
    expect(text('added.md')).toBe('# proposed by the model\n');
    expect(text('app.ts')).toContain('line 2\nfrom the editor\nline 4\n');
  });

  it('loads inside the dashboard, and leaves on q even when loading failed', async () => {
    const { fixture, commonDir, session } = await setup();
    const size = { width: 100, height: 30 };
    const left = vi.fn();
    const ok = mount(
      <KeypressProvider>
        <ConflictReview
          load={async () => [session]}
          services={services(fixture, commonDir)}
          onLeave={left}
          size={size}
        />
      </KeypressProvider>,
    );
    await ok.waitFor('added.md · add/add · hunk 1/1');
    await ok.press('q');
    expect(left).toHaveBeenCalledTimes(1);
    cleanup();
    const failed = mount(
      <KeypressProvider>
        <ConflictReview
          load={() => Promise.reject(new Error('no such run'))}
          services={services(fixture, commonDir)}
          onLeave={left}
          size={size}
        />
      </KeypressProvider>,
    );
    await failed.waitFor('Could not open the conflicts: no such run');
    await failed.press('q');
    expect(left).toHaveBeenCalledTimes(2);
  });
});
