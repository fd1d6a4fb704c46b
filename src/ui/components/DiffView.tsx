import type { ReactNode } from 'react';
import { Text } from 'ink';
import { Overlay } from './Pane.js';
import type { Box as Size } from '../layout.js';
import { inertText } from '../../util/terminal-text.js';

export type DiffState =
  | { status: 'loading'; taskId: string }
  | { status: 'ready'; taskId: string; text: string }
  | { status: 'error'; taskId: string; message: string };

function colorOf(line: string): string | undefined {
  if (line.startsWith('+++') || line.startsWith('---') || line.startsWith('diff ')) return 'white';
  if (line.startsWith('+')) return 'green';
  if (line.startsWith('-')) return 'red';
  if (line.startsWith('@@')) return 'cyan';
  return undefined;
}

/** The focused agent's branch diff, scrolled by `scroll` lines. */
export function DiffView(props: { diff: DiffState; size: Size; scroll: number }): ReactNode {
  const rows = Math.max(0, props.size.height - 3);
  const { diff } = props;
  const lines =
    diff.status === 'ready'
      ? diff.text.trimEnd() === ''
        ? ['(no changes on this branch yet)']
        : diff.text.trimEnd().split('\n')
      : [diff.status === 'loading' ? 'loading…' : diff.message];
  const top = Math.min(props.scroll, Math.max(0, lines.length - rows));
  return (
    <Overlay
      size={props.size}
      title={
        <>
          Diff · {diff.taskId} · {top + 1}-{Math.min(lines.length, top + rows)}/{lines.length} (j/k PgUp/PgDn
          · esc)
        </>
      }
    >
      {lines.slice(top, top + rows).map((line, index) => (
        <Text key={index} wrap="truncate" color={diff.status === 'error' ? 'red' : colorOf(line)}>
          {inertText(line).replace(/\t/g, '  ') || ' '}
        </Text>
      ))}
    </Overlay>
  );
}
