import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentEventBody } from '../events.js';
import { SharedMemory } from '../shared-memory.js';
import { MemoryMcpServer } from './memory-server.js';

const servers: MemoryMcpServer[] = [];
afterEach(async () => {
  while (servers.length > 0) await servers.pop()?.close();
});

async function connect(url: string): Promise<Client> {
  const client = new Client({ name: 'test', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

const textOf = (result: unknown): string =>
  ((result as { content: { text: string }[] }).content[0]?.text ?? '').trim();

describe('the run MCP server (official SDK client against it)', () => {
  it('publishes as the registered agent, journals it, and serves findings and dependency reports', async () => {
    const server = await MemoryMcpServer.start();
    servers.push(server);
    const memory = new SharedMemory();
    const events: AgentEventBody[] = [];
    const a = server.register({
      taskId: 't1',
      agentId: 't1.1',
      memory,
      emit: (e) => events.push(e),
      dependencies: [],
    });
    const b = server.register({
      taskId: 't2',
      agentId: 't2.1',
      memory,
      emit: () => undefined,
      dependencies: [
        { taskId: 't1', title: 'API', summary: 'renamed get to fetch', notes: 'update callers' },
      ],
    });
    expect(a.url).not.toBe(b.url);
    const first = await connect(a.url);
    const tools = await first.listTools();
    expect(tools.tools.map((t) => t.name).sort()).toEqual([
      'publish_finding',
      'read_dependency_reports',
      'read_findings',
    ]);
    expect(
      textOf(
        await first.callTool({
          name: 'publish_finding',
          arguments: { text: 'use fetch()', files: ['api.ts'] },
        }),
      ),
    ).toBe('published finding #0');
    expect(memory.all()).toMatchObject([
      { taskId: 't1', agentId: 't1.1', text: 'use fetch()', files: ['api.ts'] },
    ]);
    expect(events).toEqual([
      {
        type: 'finding.published',
        taskId: 't1',
        agentId: 't1.1',
        text: 'use fetch()',
        files: ['api.ts'],
        tags: [],
      },
    ]);
    const second = await connect(b.url);
    expect(textOf(await second.callTool({ name: 'read_findings', arguments: {} }))).toBe(
      '- (t1) use fetch() [files: api.ts]',
    );
    expect(textOf(await second.callTool({ name: 'read_dependency_reports', arguments: {} }))).toBe(
      '- t1 (API): renamed get to fetch\n  notes: update callers',
    );
    // A bad argument is refused by the schema, not published.
    const bad = await second.callTool({ name: 'publish_finding', arguments: { text: '' } });
    expect(bad.isError).toBe(true);
    expect(memory.size).toBe(1);
    await first.close();
    await second.close();
  });

  it('answers 404 to an unknown or released agent path', async () => {
    const server = await MemoryMcpServer.start();
    servers.push(server);
    const reg = server.register({
      taskId: 't1',
      agentId: 'a',
      memory: new SharedMemory(),
      emit: () => undefined,
      dependencies: [],
    });
    reg.release();
    const response = await fetch(reg.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(404);
    expect((await fetch(`${server.baseUrl}/mcp/00`, { method: 'POST', body: '{}' })).status).toBe(404);
  });
});
