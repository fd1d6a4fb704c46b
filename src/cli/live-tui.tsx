import { useCallback, useMemo, type ReactNode } from 'react';
import { runTui } from '../ui/tui.js';
import { ConflictReview } from '../ui/review/index.js';
import { openReviewSessions, proposeWith } from '../ui/review/index.js';
import type { ReviewProps } from '../ui/components/App.js';
import { schedulerRunControl } from '../orchestrator/run-control.js';
import { foldRun, type RunState } from '../orchestrator/run-state.js';
import { readRun } from '../orchestrator/runs.js';
import type { StartedRun } from '../orchestrator/run-job.js';
import { executeRun, type PreparedRun, type RunFlags } from './run-session.js';
import { configuredReviewServices, openRunJournal } from './review-wiring.js';
import { attachReporter } from './commands/run-shared.js';
import type { Plan } from '../orchestrator/plan.js';
import type { ObtainedPlan } from '../orchestrator/plan-source.js';

/**
 * Run a plan with the full-screen dashboard in this process. The run goes on when the user
 * detaches (progress lines take over); Ctrl-C stops it gracefully. When the run ends first, the
 * dashboard stays until the user quits, so conflicts can be reviewed (`c`) right there.
 */
export async function runWithTui(
  run: PreparedRun,
  planned: { plan: Plan; obtained: ObtainedPlan },
  flags: RunFlags,
): Promise<RunState> {
  const interrupt = new AbortController();
  let dashboard: Promise<unknown> = Promise.resolve();
  let finished = false;
  const state = executeRun(run, planned, flags, {
    signal: interrupt.signal,
    onScheduler: (started) => {
      dashboard = runTui({
        source: started.journal,
        control: schedulerRunControl(started.scheduler),
        renderReview: (props) => review(run, started, () => finished, props),
      }).then((outcome) => {
        if (finished) return;
        if (outcome === 'detach') {
          process.stdout.write(
            `detached: the run goes on here; watch it with \`maestro tui ${started.runId}\`\n`,
          );
          attachReporter(started.journal, false);
        } else if (outcome === undefined) {
          interrupt.abort();
        }
      });
    },
  });
  await state;
  finished = true;
  await dashboard;
  // Re-read: conflicts resolved in the dashboard after the run ended are in the journal, not in `state`.
  return (await readRun(run.repo.root, run.runId)).state;
}

function review(
  run: PreparedRun,
  started: StartedRun,
  finished: () => boolean,
  props: ReviewProps,
): ReactNode {
  return <LiveReview run={run} started={started} finished={finished} {...props} />;
}

function LiveReview(
  props: ReviewProps & { run: PreparedRun; started: StartedRun; finished: () => boolean },
): ReactNode {
  const { run, started, finished } = props;
  // Stable across renders: ConflictReview reloads whenever `load` changes.
  const load = useCallback(
    () =>
      openReviewSessions(
        run.repo.root,
        run.repo.commonDir,
        foldRun(started.runId, started.journal.history()),
      ),
    [run, started],
  );
  const services = useMemo(() => {
    const setup = run.setup();
    return configuredReviewServices({
      repo: run.repo.root,
      commonDir: run.repo.commonDir,
      config: run.config,
      // While the run is live its own journal takes the events (the scheduler then starts waiting tasks);
      // once it ended, the journal is reopened under the run's lock as `maestro resolve` does.
      journal: async () =>
        finished() ? openRunJournal(started) : { append: (body) => started.journal.append(body) },
      ...(setup && {
        propose: proposeWith(setup.llm.forTask('review', setup.resolved.model), setup.resolved.model),
      }),
    });
  }, [run, started, finished]);
  return (
    <ConflictReview
      load={load}
      services={services}
      taskId={props.taskId}
      size={props.size}
      onLeave={props.onClose}
    />
  );
}
