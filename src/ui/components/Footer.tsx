import type { ReactNode } from 'react';
import { Box, Text } from 'ink';
import type { RunView } from '../store/run-state.js';
import type { UiState } from '../store/ui-state.js';
import { fit, formatCost, formatElapsed } from '../format.js';
import { footerHelp } from '../keymap.js';
import { stateSummary } from '../state-summary.js';

/**
 * Status line (cost against budget, phase, elapsed, agents by state, run id) and the key help
 * generated from the keymap. On a narrow terminal the counts shorten before the run id goes.
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
  const head = `${phase} · ${elapsed}`;
  const counts = stateSummary(view, room - head.length - 3);
  const status = counts ? `${head} · ${counts}` : head;
  const runId = view.runId ?? 'no run';
  const line = status.length + 3 + runId.length <= room ? `${status} · ${runId}` : status;
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
