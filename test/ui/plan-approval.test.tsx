import { describe, expect, it, vi } from 'vitest';
import { KeypressProvider } from '../../src/ui/keypress.js';
import { PlanApproval } from '../../src/ui/components/PlanApproval.js';
import { ObjectivePrompt } from '../../src/ui/components/ObjectivePrompt.js';
import { initialApproval, reduceApproval } from '../../src/ui/store/plan-approval.js';
import type { Plan } from '../../src/orchestrator/plan.js';
import { keys, renderTui } from '../helpers/render-tui.js';
import { plan } from './fixtures.js';

describe('plan approval reducer', () => {
  it('drops a task and the dependencies on it', () => {
    const state = reduceApproval(initialApproval(plan), { type: 'drop' });
    expect(state.plan.tasks.map((task) => task.id)).toEqual(['cli', 'docs']);
    expect(state.plan.tasks[1]?.dependsOn).toEqual(['cli']);
  });

  it('refuses to drop the last task and to save empty instructions', () => {
    const one: Plan = { objective: '', tasks: [plan.tasks[0]!] };
    expect(reduceApproval(initialApproval(one), { type: 'drop' }).error).toBe(
      'a plan needs at least one task',
    );
    let state = reduceApproval(initialApproval(one), { type: 'edit' });
    for (let i = 0; i < 40; i += 1) state = reduceApproval(state, { type: 'edit-erase' });
    state = reduceApproval(state, { type: 'edit-save' });
    expect(state.error).toBe('instructions must not be empty');
    expect(state.plan.tasks[0]?.instructions).toBe('write src/api.ts');
  });
});

describe('plan approval view', () => {
  it('edits the selected task, drops another and starts with the edited plan', async () => {
    const onApprove = vi.fn();
    const tui = renderTui(
      <KeypressProvider>
        <PlanApproval plan={plan} onApprove={onApprove} onCancel={() => undefined} />
      </KeypressProvider>,
    );
    await tui.waitFor('Plan: 3 tasks');
    await tui.press('j');
    await tui.waitFor('write src/cli.ts');
    await tui.press('e');
    await tui.waitFor('Editing instructions');
    await tui.press(' ', 'w', 'i', 't', 'h', ' ', 't', 'e', 's', 't', 's');
    await tui.waitFor('write src/cli.ts with tests');
    await tui.press(keys.enter);
    await tui.waitFor(/Instructions[\s│]+write src\/cli.ts with tests/);
    await tui.press('j');
    await tui.waitFor('update README.md');
    await tui.press('x');
    await tui.waitFor('Plan: 2 tasks');
    await tui.press(keys.enter);
    await vi.waitFor(() => expect(onApprove).toHaveBeenCalledTimes(1));
    const approved = onApprove.mock.calls[0]?.[0] as Plan;
    expect(approved.tasks.map((task) => [task.id, task.instructions])).toEqual([
      ['api', 'write src/api.ts'],
      ['cli', 'write src/cli.ts with tests'],
    ]);
  });
});

describe('objective prompt', () => {
  it('submits what was typed, and asks again when it is empty', async () => {
    const onSubmit = vi.fn();
    const tui = renderTui(
      <KeypressProvider>
        <ObjectivePrompt onSubmit={onSubmit} onCancel={() => undefined} />
      </KeypressProvider>,
    );
    await tui.waitFor('What should the agents do?');
    await tui.press(keys.enter);
    await tui.waitFor('type what the agents should do');
    await tui.press('a', 'd', 'd', 'x', keys.backspace, ' ', 'i', 't');
    await tui.waitFor('› add it');
    await tui.press(keys.enter);
    await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledWith('add it'));
  });
});
