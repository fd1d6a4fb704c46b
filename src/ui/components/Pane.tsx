import type { ReactNode } from 'react';
import { Box, Text } from 'ink';
import type { Box as Size } from '../layout.js';

/**
 * A bordered pane of a fixed size; its rows are cut, never wrapped, so the frame height is exact.
 * Clipped vertically only: every row is already cut to the pane's width (wrap="truncate", fit), and
 * a horizontal clip makes Ink re-measure and re-slice every line of every frame, character by
 * character (~10% of a 50-agent frame).
 */
export function Pane(props: { title: string; size: Size; active: boolean; children?: ReactNode }): ReactNode {
  if (props.size.height < 3) return null;
  return (
    <Box
      flexDirection="column"
      width={props.size.width}
      height={props.size.height}
      borderStyle="round"
      borderColor={props.active ? 'cyan' : 'gray'}
      overflowY="hidden"
    >
      <Text bold color={props.active ? 'cyan' : undefined} wrap="truncate">
        {props.title}
      </Text>
      {props.children}
    </Box>
  );
}

/** A full-size bordered view over the panes (help, diff, merge state, quit): a bold title, then its rows (clipped as a Pane). */
export function Overlay(props: {
  title: ReactNode;
  size: Size;
  borderColor?: string;
  children?: ReactNode;
}): ReactNode {
  return (
    <Box
      flexDirection="column"
      width={props.size.width}
      height={props.size.height}
      borderStyle="round"
      {...(props.borderColor !== undefined && { borderColor: props.borderColor })}
      overflowY="hidden"
    >
      <Text bold wrap="truncate">
        {props.title}
      </Text>
      {props.children}
    </Box>
  );
}

/** Content rows and columns inside a pane (border and title excluded). */
export function inner(size: Size): { rows: number; columns: number } {
  return { rows: Math.max(0, size.height - 3), columns: Math.max(0, size.width - 2) };
}
