import { useState, type ReactNode } from 'react';
import { Box, Text } from 'ink';
import { useKeypress } from '../keypress.js';

export interface ObjectivePromptProps {
  onSubmit: (objective: string) => void;
  onCancel: () => void;
  initial?: string;
}

function printable(input: string): boolean {
  return input.length > 0 && ![...input].some((char) => char.charCodeAt(0) < 32);
}

/** `maestro tui` without a run: asks what the agents should do. Needs a KeypressProvider above it. */
export function ObjectivePrompt(props: ObjectivePromptProps): ReactNode {
  const [text, setText] = useState(props.initial ?? '');
  const [error, setError] = useState<string | undefined>();
  useKeypress(
    (key) => {
      if (key.escape) props.onCancel();
      else if (key.return) {
        if (text.trim() === '') setError('type what the agents should do, then press enter');
        else props.onSubmit(text.trim());
      } else if (key.backspace || key.delete) setText((value) => value.slice(0, -1));
      else if (!key.ctrl && !key.tab && printable(key.input)) setText((value) => value + key.input);
      else return false;
      return true;
    },
    { priority: 10 },
  );
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold>What should the agents do?</Text>
      <Text>
        <Text color="cyan">› </Text>
        {text}
        <Text inverse> </Text>
      </Text>
      {error ? <Text color="yellow">{error}</Text> : null}
      <Text dimColor>enter plan it · esc quit</Text>
    </Box>
  );
}
