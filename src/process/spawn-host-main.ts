import { collectProcess } from './collect.js';
import type { FromSpawnHost, ToSpawnHost } from './spawn-host-protocol.js';

/**
 * The spawn host: a small Node process that starts the orchestrator's short-lived programs (git)
 * for it. Forking copies the parent's page tables, so a spawn from a large orchestrator blocks its
 * main thread for tens of milliseconds; from here it costs about one. When the orchestrator goes
 * (its IPC channel closes), the host takes no more work and exits once what runs has finished.
 */
const running = new Map<number, AbortController>();

process.on('message', (message: ToSpawnHost) => {
  if (message.kind === 'abort') {
    running.get(message.id)?.abort();
    return;
  }
  const controller = new AbortController();
  running.set(message.id, controller);
  void collectProcess(message.spec, controller.signal).then((result) => {
    running.delete(message.id);
    const reply: FromSpawnHost = { id: message.id, result };
    if (process.connected) process.send?.(reply);
  });
});
