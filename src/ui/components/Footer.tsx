import type { ReactNode } from 'react';
import { Box, Text } from 'ink';
import type { RunView } from '../store/run-state.js';
import type { UiState } from '../store/ui-state.js';
import { fit, formatCost, formatElapsed } from '../format.js';
import { footerHelp } from '../keymap.js';
import { stateSummary } from '../state-summary.js';

/**
 * Status line (cost against budget, run id, phase, elapsed, agents by state) and the key help
 * generated from the keymap. On a narrow terminal the run id goes, then the counts shorten.
 */
export function Footer(props: { view: RunView; ui: UiState; width: number; now: number }): ReactNode {
  const { view, ui, width } = props;
  const budget = view.budget.runUsd;
  const cost =
    budget === null ? formatCost(view.costUsd) : `${formatCost(view.costUsd)}/${formatCost(budget)}`;
  const over = view.budgetExceeded || (budget !== null && view.costUsd > budget);
  const elapsed =
    view.startedAt === undefined ? '--:--' : formatElapsed((view.finishedAt ?? props.now) - view.startedAt);
  const phase = view.phase === 'finished' ? `finished: ${view.finalStatus ?? ''}` : view.phase;
  // "cost " + cost + " · " come first; the rest of the row is the status.
  const room = Math.max(0, width - cost.length - 8);
  const bare = `${phase} · ${elapsed}`;
  const withId = `${view.runId ?? 'no run'} · ${bare}`;
  // The run id leads while it costs the counts nothing; on a narrower terminal the counts win.
  const counts = stateSummary(view, room - bare.length - 3);
  const head = stateSummary(view, room - withId.length - 3) === counts ? withId : bare;
  const line = counts ? `${head} · ${counts}` : head;
  const second =
    ui.mode === 'filter' ? `/${ui.filter}█  (enter keep · esc clear)` : (ui.notice ?? footerHelp(width));
  return (
    <Box flexDirection="column" width={width} height={2}>
      <Text wrap="truncate">
        <Text color={over ? 'red' : 'green'}>cost {cost}</Text>
        <Text dimColor> · </Text>
        {fit(line, room)}
      </Text>
      <Text
        wrap="truncate"
        color={ui.notice ? 'yellow' : undefined}
        dimColor={!ui.notice && ui.mode !== 'filter'}
      >
        {fit(second, width)}
      </Text>
    </Box>
  );
}
