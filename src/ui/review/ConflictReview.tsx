import { useEffect, useState, type ReactNode } from 'react';
import { Box, Text } from 'ink';
import type { ResolutionSession } from '../../git/resolution-session.js';
import { useKeypress } from '../keypress.js';
import { reviewCommandFor } from './keys.js';
import { ReviewView, type ReviewViewProps } from './ReviewView.js';

export interface ConflictReviewProps extends Omit<ReviewViewProps, 'sessions'> {
  /** Opens the sessions (e.g. `openReviewSessions` from ./sessions.ts): git work, so asynchronous. */
  load: () => Promise<ResolutionSession[]>;
}

type Loading =
  | { kind: 'loading' }
  | { kind: 'ready'; sessions: ResolutionSession[] }
  | { kind: 'failed'; message: string };

/** The review inside the dashboard (`renderReview`): loads the sessions, then shows the view. */
export function ConflictReview(props: ConflictReviewProps): ReactNode {
  const [loading, setLoading] = useState<Loading>({ kind: 'loading' });
  const { load } = props;
  useEffect(() => {
    let live = true;
    load().then(
      (sessions) => live && setLoading({ kind: 'ready', sessions }),
      (error: unknown) =>
        live &&
        setLoading({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      live = false;
    };
  }, [load]);
  useKeypress(
    (key) => {
      if (reviewCommandFor(key) === 'leave') props.onLeave();
      return true;
    },
    { isActive: loading.kind !== 'ready', priority: 1 },
  );
  if (loading.kind === 'ready') return <ReviewView {...props} sessions={loading.sessions} />;
  return (
    <Box flexDirection="column" width={props.size.width} height={props.size.height}>
      {loading.kind === 'loading' ? (
        <Text>Loading the conflicts…</Text>
      ) : (
        <Text color="red">Could not open the conflicts: {loading.message}</Text>
      )}
      <Text dimColor>q leaves</Text>
    </Box>
  );
}
