import { StructuredMerger } from '../git/structured/structured-merge.js';
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
import type { RunEvent } from '../events.js';
import type { EventSource } from '../ui/run-control.js';

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
      const source = journalAndLater(started.journal, run.repo.root);
      dashboard = runTui({
        source,
        control: schedulerRunControl(started.scheduler),
        renderReview: (props) => review(run, started, source, () => finished, props),
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

/** The dashboard's events: the run's journal, then what was journaled after it closed (resolutions). */
interface LateSource extends EventSource {
  catchUp(): Promise<void>;
}

function journalAndLater(journal: StartedRun['journal'], repo: string): LateSource {
  const late: RunEvent[] = [];
  const listeners = new Set<(event: RunEvent) => void>();
  const history = (): RunEvent[] => [...journal.history(), ...late];
  return {
    history,
    subscribe: (listener) => {
      const off = journal.subscribe(listener);
      listeners.add(listener);
      return () => {
        off();
        listeners.delete(listener);
      };
    },
    catchUp: async () => {
      const seen = history().at(-1)?.seq ?? 0;
      const fresh = (await readRun(repo, journal.runId)).events.filter((event) => event.seq > seen);
      late.push(...fresh);
      for (const event of fresh) for (const listener of listeners) listener(event);
    },
  };
}

function review(
  run: PreparedRun,
  started: StartedRun,
  source: LateSource,
  finished: () => boolean,
  props: ReviewProps,
): ReactNode {
  return <LiveReview run={run} started={started} source={source} finished={finished} {...props} />;
}

function LiveReview(
  props: ReviewProps & {
    run: PreparedRun;
    started: StartedRun;
    source: LateSource;
    finished: () => boolean;
  },
): ReactNode {
  const { run, started, source, finished } = props;
  // Stable across renders: ConflictReview reloads whenever `load` changes.
  const load = useCallback(
    () =>
      openReviewSessions(
        run.repo.root,
        run.repo.commonDir,
        foldRun(started.runId, source.history()),
        run.config.merge.structured ? new StructuredMerger() : undefined,
      ),
    [run, started, source],
  );
  const services = useMemo(() => {
    const setup = run.setup();
    return configuredReviewServices({
      repo: run.repo.root,
      commonDir: run.repo.commonDir,
      config: run.config,
      // While the run is live its own journal takes the events (the scheduler then starts waiting tasks);
      // once it ended, the journal is reopened under the run's lock as `maestro resolve` does.
      journal: async () => {
        if (!finished()) return { append: (body) => started.journal.append(body) };
        const sink = await openRunJournal(started);
        // The dashboard follows the closed journal: show it what was just added.
        return { append: sink.append, close: () => sink.close().then(() => source.catchUp()) };
      },
      ...(setup && {
        propose: proposeWith(setup.llm.forTask('review', setup.resolved.model), setup.resolved.model),
      }),
    });
  }, [run, started, source, finished]);
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
