import type { ReactNode } from 'react';
import { Text } from 'ink';
import { Overlay } from './Pane.js';
import { keymap } from '../keymap.js';
import type { Box as Size } from '../layout.js';

/** Every binding of the keymap, as the `?` overlay. */
export function HelpOverlay(props: { size: Size }): ReactNode {
  return (
    <Overlay size={props.size} title="Keys (esc or ? to close)">
      {keymap.map((binding) => (
        <Text key={binding.command} wrap="truncate">
          <Text color="cyan">{binding.label.padEnd(8)}</Text>
          {binding.description}
        </Text>
      ))}
    </Overlay>
  );
}

export function ConfirmQuit(props: { size: Size; active: number; attached: boolean }): ReactNode {
  return (
    <Overlay
      size={props.size}
      borderColor="yellow"
      title={
        <>
          {props.active} agent{props.active === 1 ? ' is' : 's are'} still running.
        </>
      }
    >
      <Text wrap="truncate">
        <Text color="cyan">d</Text> detach: quit and leave {props.attached ? 'the run' : 'them'} running
      </Text>
      <Text wrap="truncate">
        <Text color="cyan">s</Text> stop every agent, then quit
      </Text>
      <Text wrap="truncate">
        <Text color="cyan">esc</Text> stay
      </Text>
    </Overlay>
  );
}
