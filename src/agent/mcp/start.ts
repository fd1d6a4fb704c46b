import type { MemoryMcpServer } from './memory-server.js';

/** Starts the run's MCP server; the SDK is loaded only now, so commands that need none start fast. */
export async function startMemoryServer(): Promise<MemoryMcpServer> {
  const { MemoryMcpServer: Server } = await import('./memory-server.js');
  return Server.start();
}
