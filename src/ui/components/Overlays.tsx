import type { ReactNode } from 'react';
import { Box, Text } from 'ink';
import { keymap } from '../keymap.js';
import type { Box as Size } from '../layout.js';

/** Every binding of the keymap, as the `?` overlay. */
export function HelpOverlay(props: { size: Size }): ReactNode {
  return (
    <Box
      flexDirection="column"
      width={props.size.width}
      height={props.size.height}
      borderStyle="round"
      overflow="hidden"
    >
      <Text bold wrap="truncate">
        Keys (esc or ? to close)
      </Text>
      {keymap.map((binding) => (
        <Text key={binding.command} wrap="truncate">
          <Text color="cyan">{binding.label.padEnd(8)}</Text>
          {binding.description}
        </Text>
      ))}
    </Box>
  );
}

export function ConfirmQuit(props: { size: Size; active: number; attached: boolean }): ReactNode {
  return (
    <Box
      flexDirection="column"
      width={props.size.width}
      height={props.size.height}
      borderStyle="round"
      borderColor="yellow"
      overflow="hidden"
    >
      <Text bold wrap="truncate">
        {props.active} agent{props.active === 1 ? ' is' : 's are'} still running.
      </Text>
      <Text wrap="truncate">
        <Text color="cyan">d</Text> detach: quit and leave {props.attached ? 'the run' : 'them'} running
      </Text>
      <Text wrap="truncate">
        <Text color="cyan">s</Text> stop every agent, then quit
      </Text>
      <Text wrap="truncate">
        <Text color="cyan">esc</Text> stay
      </Text>
    </Box>
  );
}
