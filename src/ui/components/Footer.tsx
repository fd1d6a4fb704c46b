import type { ReactNode } from 'react';
import { Box, Text } from 'ink';
import type { RunView } from '../store/run-state.js';
import { stateCounts } from '../store/run-state.js';
import type { UiState } from '../store/ui-state.js';
import { fit, formatCost, formatElapsed } from '../format.js';
import { footerHelp } from '../keymap.js';

/** Status line (cost against budget, elapsed, agents) and the key help generated from the keymap. */
export function Footer(props: { view: RunView; ui: UiState; width: number; now: number }): ReactNode {
  const { view, ui, width } = props;
  const budget = view.budget.runUsd;
  const cost =
    budget === null ? formatCost(view.costUsd) : `${formatCost(view.costUsd)}/${formatCost(budget)}`;
  const over = view.budgetExceeded || (budget !== null && view.costUsd > budget);
  const elapsed =
    view.startedAt === undefined ? '--:--' : formatElapsed((view.finishedAt ?? props.now) - view.startedAt);
  const phase = view.phase === 'finished' ? `finished: ${view.finalStatus ?? ''}` : view.phase;
  // At 50 agents the agents pane shows a slice: the counts by state say where the whole run stands.
  const counts = stateCounts(view);
  const status = `${view.runId ?? 'no run'} · ${phase} · ${elapsed}${counts ? ` · ${counts}` : ''}`;
  const second =
    ui.mode === 'filter'
      ? `/${ui.filter}█  (enter keep · esc clear)`
      : (ui.notice ??
        (ui.filter ? `filter: ${ui.filter} · ` : '') + footerHelp(width - (ui.filter ? 12 : 0)));
  return (
    <Box flexDirection="column" width={width} height={2}>
      <Text wrap="truncate">
        <Text color={over ? 'red' : 'green'}>cost {cost}</Text>
        <Text dimColor> · </Text>
        {fit(status, Math.max(0, width - cost.length - 8))}
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
