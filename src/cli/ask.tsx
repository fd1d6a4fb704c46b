import { render } from 'ink';
import type { ReactNode } from 'react';
import { KeypressProvider } from '../ui/keypress.js';
import { ObjectivePrompt } from '../ui/components/ObjectivePrompt.js';
import { PlanApproval } from '../ui/components/PlanApproval.js';
import type { Plan } from '../orchestrator/plan.js';
import { UsageError } from '../errors.js';

/** Render one question full screen until it is answered; cancelling is a one-line exit, not an error trace. */
async function ask<T>(body: (answer: (value: T | undefined) => void) => ReactNode): Promise<T> {
  let result: T | undefined;
  const instance = render(
    <KeypressProvider>
      {body((value) => {
        result = value;
        instance.unmount();
      })}
    </KeypressProvider>,
    { alternateScreen: true, exitOnCtrlC: true },
  );
  await instance.waitUntilExit();
  if (result === undefined) throw new UsageError('cancelled; nothing was started');
  return result;
}

/** `maestro tui` without a task: what should the agents do? */
export function askObjective(): Promise<string> {
  return ask<string>((answer) => (
    <ObjectivePrompt
      onSubmit={(objective) => answer(objective.trim() || undefined)}
      onCancel={() => answer(undefined)}
    />
  ));
}

/** The plan before anything runs: edit instructions, drop tasks, start. */
export function approvePlan(plan: Plan): Promise<Plan> {
  return ask<Plan>((answer) => (
    <PlanApproval
      plan={plan}
      width={process.stdout.columns || 100}
      onApprove={(approved) => answer(approved.tasks.length > 0 ? approved : undefined)}
      onCancel={() => answer(undefined)}
    />
  ));
}
