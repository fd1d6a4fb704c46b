import { afterEach } from 'vitest';
import { startFakeServer, type FakeScenario, type FakeServer } from '../../src/llm/fake/index.js';

const servers: FakeServer[] = [];
afterEach(async () => {
  while (servers.length > 0) await servers.pop()?.close();
});

/** A fake LLM server on a free port of 127.0.0.1, closed after the current test. */
export async function fakeServer(scenario: FakeScenario): Promise<FakeServer> {
  const server = await startFakeServer(scenario, { port: 0 });
  servers.push(server);
  return server;
}
