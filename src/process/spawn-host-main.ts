import { collectProcess } from './collect.js';
import { spawnDetached, type DetachedEvents } from './detached.js';
import type { DetachedEvent, FromSpawnHost, ToSpawnHost } from './spawn-host-protocol.js';

/**
 * The spawn host: a small Node process that starts the orchestrator's programs for it (git, and the
 * agents' detached programs). Forking copies the parent's page tables, so a spawn from a large
 * orchestrator blocks its main thread for tens of milliseconds; from here it costs about one.
 * When the orchestrator goes (its IPC channel closes), the host takes no more work and exits once
 * what runs has finished.
 */
const running = new Map<number, AbortController>();

const reply = (message: FromSpawnHost): void => {
  if (process.connected) process.send?.(message);
};

process.on('message', (message: ToSpawnHost) => {
  if (message.kind === 'abort') {
    running.get(message.id)?.abort();
    return;
  }
  if (message.kind === 'start') {
    spawnDetached(message.spec, forward(message.id));
    return;
  }
  const controller = new AbortController();
  running.set(message.id, controller);
  void collectProcess(message.spec, controller.signal).then((result) => {
    running.delete(message.id);
    reply({ id: message.id, result });
  });
});

function forward(id: number): DetachedEvents {
  const send = (detached: DetachedEvent): void => reply({ id, detached });
  return {
    spawned: (pid) => send({ kind: 'spawned', pid }),
    output: (chunk, stream) => send({ kind: 'output', chunk, stream }),
    exited: (code, signal) => send({ kind: 'exited', code, signal }),
    ended: (code, signal) => send({ kind: 'ended', code, signal }),
    failed: (message) => send({ kind: 'failed', message }),
  };
}
