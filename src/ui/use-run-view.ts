import { useEffect, useReducer } from 'react';
import type { RunEvent } from '../events.js';
import type { EventSource } from './run-control.js';
import { createBatcher } from './batch.js';
import { initialRunView, reduceRunBatch, type RunView } from './store/run-state.js';

/**
 * The run view for a source: the history reduced once, then live events applied in batches of at
 * most `maxFps` a second. `onLive` sees each live batch (notifications), never the history.
 */
export function useRunView(
  source: EventSource,
  options: { maxFps?: number; onLive?: (events: RunEvent[]) => void } = {},
): RunView {
  const [view, dispatch] = useReducer(reduceRunBatch, undefined, () =>
    reduceRunBatch(initialRunView(), source.history()),
  );
  const { maxFps, onLive } = options;
  useEffect(() => {
    const batcher = createBatcher<RunEvent>(
      (events) => {
        dispatch(events);
        onLive?.(events);
      },
      { maxFps },
    );
    const unsubscribe = source.subscribe((event) => batcher.push(event));
    // Events journaled between the first render and the subscription; seq dedupes the overlap.
    dispatch(source.history());
    return () => {
      unsubscribe();
      batcher.close();
    };
  }, [source, maxFps, onLive]);
  return view;
}
