import { createContext, useContext, useEffect, useRef, type ReactNode } from 'react';
import { useInput } from 'ink';
import type { KeyPress } from './keymap.js';

/** Returns true when it consumed the key; lower-priority handlers then never see it. */
export type KeyHandler = (key: KeyPress) => boolean;

interface Registration {
  handler: { current: KeyHandler };
  priority: number;
  isActive: boolean;
  order: number;
}

interface Registry {
  add(registration: Registration): () => void;
}

const KeypressContext = createContext<Registry | undefined>(undefined);

/**
 * The one keypress layer: a single Ink `useInput`, dispatching each key to the registered handlers
 * from the highest priority down (latest registered first among equals) until one consumes it,
 * so modals stack over panes without each one guarding the others.
 */
export function KeypressProvider({ children }: { children: ReactNode }): ReactNode {
  const registrations = useRef(new Set<Registration>());
  const counter = useRef(0);
  const registry = useRef<Registry>({
    add(registration) {
      registration.order = counter.current++;
      registrations.current.add(registration);
      return () => registrations.current.delete(registration);
    },
  });
  useInput((input, key) => {
    const press: KeyPress = {
      input,
      upArrow: key.upArrow,
      downArrow: key.downArrow,
      leftArrow: key.leftArrow,
      rightArrow: key.rightArrow,
      pageUp: key.pageUp,
      pageDown: key.pageDown,
      home: key.home,
      end: key.end,
      return: key.return,
      escape: key.escape,
      tab: key.tab,
      shift: key.shift,
      ctrl: key.ctrl,
      backspace: key.backspace,
      delete: key.delete,
    };
    const ordered = [...registrations.current]
      .filter((registration) => registration.isActive)
      .sort((a, b) => b.priority - a.priority || b.order - a.order);
    for (const registration of ordered) {
      if (registration.handler.current(press)) return;
    }
  });
  return <KeypressContext value={registry.current}>{children}</KeypressContext>;
}

export function useKeypress(
  handler: KeyHandler,
  options: { isActive?: boolean; priority?: number } = {},
): void {
  const registry = useContext(KeypressContext);
  if (!registry) throw new Error('useKeypress needs a KeypressProvider above it');
  const handlerRef = useRef(handler);
  handlerRef.current = handler;
  const isActive = options.isActive ?? true;
  const priority = options.priority ?? 0;
  useEffect(
    () => registry.add({ handler: handlerRef, priority, isActive, order: 0 }),
    [registry, priority, isActive],
  );
}
