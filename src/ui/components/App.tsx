import { useCallback, useEffect, useMemo, useReducer, useRef, useState, type ReactNode } from 'react';
import { Box, useApp, useStdin, useStdout, useWindowSize } from 'ink';
import type { RunEvent } from '../../events.js';
import { sendCommand, type EventSource, type RunCommand, type RunControl } from '../run-control.js';
import { useRunView } from '../use-run-view.js';
import { activeCount, type RunView } from '../store/run-state.js';
import { initialUiState, reduceUi, type UiAction, type UiState } from '../store/ui-state.js';
import { dashboardKey, type Effect, type QuitOutcome } from '../dashboard-keys.js';
import { filterIds, filterLabel } from '../agent-list.js';
import { KeypressProvider, useKeypress } from '../keypress.js';
import { computeLayout } from '../layout.js';
import { attentionMessage, notificationSequence } from '../notify.js';
import { runSuspended, shellRun } from '../suspend.js';
import { gitDiffLoader, type DiffLoader } from '../diff.js';
import { AgentsPane } from './AgentsPane.js';
import { inner } from './Pane.js';
import { ActivityPane, LineCache } from './ActivityPane.js';
import { PlanPane } from './PlanPane.js';
import { FeedPane } from './FeedPane.js';
import { Footer } from './Footer.js';
import { ConfirmQuit, HelpOverlay } from './Overlays.js';
import { DiffView, type DiffState } from './DiffView.js';
import { MergeView } from './MergeView.js';

export interface ReviewProps {
  taskId: string;
  view: RunView;
  /** The area above the footer. */
  size: { width: number; height: number };
  onClose: () => void;
}

export interface TuiAppProps {
  source: EventSource;
  control: RunControl;
  /** True when following a run started elsewhere (wording of the quit question). */
  attached?: boolean;
  loadDiff?: DiffLoader;
  /** The conflict review view (src/ui/review), rendered full-screen on `c`. */
  renderReview?: (props: ReviewProps) => ReactNode;
  env?: NodeJS.ProcessEnv;
  maxFps?: number;
  onQuit?: (outcome: QuitOutcome) => void;
}

function describe(command: RunCommand): string {
  return 'taskId' in command ? `${command.type} ${command.taskId}` : command.type;
}

/** The live dashboard: panes, footer, full views and every key, over one event source. */
export function TuiApp(props: TuiAppProps): ReactNode {
  return (
    <KeypressProvider>
      <Dashboard {...props} />
    </KeypressProvider>
  );
}

/**
 * How long a dashboard with agents running may go without a frame: its clocks and spinners move
 * with every frame, and this redraws them when no event or key did. A 50-agent frame costs Ink
 * ~20 ms (every row's clock changes), so one every three seconds keeps a silent run under 1% of a
 * core; while events stream, their frames move the clocks and this never fires.
 */
export const CLOCK_MS = 3_000;

/** Re-arms after every frame of the dashboard, so only a silent stretch of CLOCK_MS redraws. */
function useClockRedraw(running: boolean): void {
  const [, redraw] = useReducer((count: number) => count + 1, 0);
  useEffect(() => {
    // Only while agents run: an idle dashboard schedules nothing.
    if (!running) return undefined;
    const timer = setTimeout(redraw, CLOCK_MS);
    return () => clearTimeout(timer);
  });
}

/** A reducer whose latest state handlers read synchronously, so fast keys never see a stale closure. */
function useUiStore(): [UiState, (actions: UiAction[]) => void, { readonly current: UiState }] {
  const ref = useRef<UiState>(initialUiState());
  const [state, setState] = useState(ref.current);
  const dispatch = useCallback((actions: UiAction[]) => {
    if (actions.length === 0) return;
    ref.current = actions.reduce(reduceUi, ref.current);
    setState(ref.current);
  }, []);
  return [state, dispatch, ref];
}

function Dashboard(props: TuiAppProps): ReactNode {
  const { stdout } = useStdout();
  const { stdin } = useStdin();
  const { exit, suspendTerminal } = useApp();
  const { columns, rows } = useWindowSize();
  const onLive = useCallback(
    (events: RunEvent[]) => {
      const message = attentionMessage(events);
      if (message) stdout.write(notificationSequence(message));
    },
    [stdout],
  );
  const view = useRunView(props.source, { maxFps: props.maxFps, onLive });
  const [stored, dispatch, uiRef] = useUiStore();
  const [diff, setDiff] = useState<DiffState | undefined>();
  const [lineCache] = useState(() => new LineCache());
  const active = activeCount(view);
  useClockRedraw(active > 0 && view.phase !== 'finished');
  const now = Date.now();
  const layout = useMemo(() => computeLayout(columns, rows), [columns, rows]);
  const ids = useMemo(
    () => filterIds(view, stored.filter, stored.stateFilter),
    [view, stored.filter, stored.stateFilter],
  );
  const idsKey = ids.join('\n');
  // The selection follows the tasks shown from the very first frame (the store catches up after it).
  const ui = useMemo(() => reduceUi(stored, { type: 'sync', ids }), [stored, ids]);
  useEffect(() => dispatch([{ type: 'sync', ids: idsKey ? idsKey.split('\n') : [] }]), [idsKey, dispatch]);

  const env = props.env ?? process.env;
  const loadDiff = props.loadDiff ?? gitDiffLoader;
  const viewRef = useRef(view);
  viewRef.current = view;

  const perform = async (effect: Effect): Promise<void> => {
    const current = viewRef.current;
    switch (effect.type) {
      case 'shell': {
        const task = current.tasks.get(effect.taskId);
        if (!task?.worktree) return;
        const run = shellRun(env, { runId: current.runId ?? '', taskId: task.id, worktree: task.worktree });
        const code = await runSuspended(suspendTerminal, run, stdin);
        dispatch([{ type: 'notice', text: `shell exited (${code ?? 'signal'})` }]);
        return;
      }
      case 'diff': {
        const task = current.tasks.get(effect.taskId);
        if (!task) return;
        setDiff({ status: 'loading', taskId: task.id });
        try {
          const text = await loadDiff(task, current);
          setDiff((shown) =>
            shown?.taskId === task.id ? { status: 'ready', taskId: task.id, text } : shown,
          );
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          setDiff({ status: 'error', taskId: task.id, message });
        }
        return;
      }
      case 'control': {
        const { command } = effect;
        await sendCommand(props.control, command);
        dispatch([{ type: 'notice', text: `sent: ${describe(command)}` }]);
        return;
      }
      case 'quit':
        await (effect.outcome === 'stop' ? props.control.stopRun() : props.control.detach());
        props.onQuit?.(effect.outcome);
        exit(effect.outcome);
        return;
    }
  };

  const pageRows = Math.max(1, (ui.mode === 'normal' ? layout.activity.height : layout.main.height) - 3);
  const agentRows = inner(layout.agents).rows;
  useKeypress((key) => {
    const result = dashboardKey(key, {
      ui: uiRef.current,
      view: viewRef.current,
      ids,
      pageRows,
      agentRows,
      canReview: !!props.renderReview,
    });
    dispatch(result.actions);
    if (result.effect) {
      perform(result.effect).catch((error: unknown) => {
        dispatch([{ type: 'notice', text: error instanceof Error ? error.message : String(error) }]);
      });
    }
    return result.handled;
  });

  const main = layout.main;
  let body: ReactNode;
  switch (ui.mode) {
    case 'help':
      body = <HelpOverlay size={main} />;
      break;
    case 'confirm-quit':
      body = <ConfirmQuit size={main} active={active} attached={props.attached ?? false} />;
      break;
    case 'diff':
      body = diff ? <DiffView diff={diff} size={main} scroll={ui.scroll} /> : null;
      break;
    case 'merge':
      body = <MergeView view={view} size={main} />;
      break;
    case 'review':
      body =
        props.renderReview && ui.selected
          ? props.renderReview({
              taskId: ui.selected,
              view,
              size: main,
              onClose: () => dispatch([{ type: 'close' }]),
            })
          : null;
      break;
    default: {
      const panes = {
        agents: (
          <AgentsPane
            view={view}
            ids={ids}
            selected={ui.selected}
            focused={ui.pinned ? ui.focused : undefined}
            top={ui.agentsTop}
            filter={filterLabel(ui.filter, ui.stateFilter)}
            size={layout.agents}
            active={ui.pane === 'agents'}
            now={now}
          />
        ),
        activity: (
          <ActivityPane
            task={ui.focused ? view.tasks.get(ui.focused) : undefined}
            radar={view.radar}
            cache={lineCache}
            size={layout.activity}
            active={ui.pane === 'activity'}
            scroll={ui.scroll}
          />
        ),
        plan: <PlanPane view={view} size={layout.plan} active={ui.pane === 'plan'} />,
        feed: <FeedPane findings={view.findings} size={layout.feed} active={ui.pane === 'feed'} />,
      };
      body = layout.stacked ? (
        <Box flexDirection="column">
          {panes.agents}
          {panes.activity}
          {panes.plan}
          {panes.feed}
        </Box>
      ) : (
        <Box flexDirection="row">
          <Box flexDirection="column">
            {panes.agents}
            {panes.plan}
          </Box>
          <Box flexDirection="column">
            {panes.activity}
            {panes.feed}
          </Box>
        </Box>
      );
    }
  }
  return (
    <Box flexDirection="column" width={layout.width} height={layout.height} overflowY="hidden">
      <Box height={main.height} overflowY="hidden">
        {body}
      </Box>
      <Footer view={view} ui={ui} width={layout.width} now={now} />
    </Box>
  );
}
