import { memo, type ReactNode } from 'react';
import { Text } from 'ink';
import type { Finding } from '../store/run-state.js';
import type { Box } from '../layout.js';
import { inner, Pane } from './Pane.js';
import { inertLine } from '../../util/terminal-text.js';

/** Shared memory: the findings agents publish for each other, newest at the bottom. */
export const FeedPane = memo(function FeedPane(props: {
  findings: Finding[];
  size: Box;
  active: boolean;
}): ReactNode {
  const { rows } = inner(props.size);
  const shown = rows > 0 ? props.findings.slice(-rows) : [];
  return (
    <Pane title={`Shared memory (${props.findings.length})`} size={props.size} active={props.active}>
      {shown.length === 0 && rows > 0 ? <Text dimColor>no findings yet</Text> : null}
      {shown.map((finding) => (
        <Text key={finding.seq} wrap="truncate">
          <Text color="yellow">[{finding.taskId}]</Text> {inertLine(finding.text)}
          {finding.files.length > 0 ? <Text dimColor> ({finding.files.join(', ')})</Text> : null}
        </Text>
      ))}
    </Pane>
  );
});
