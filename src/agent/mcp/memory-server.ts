import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import type { DependencyReport } from '../context/prompt.js';
import type { AgentEmit } from '../events.js';
import { formatFindings, type SharedMemory } from '../shared-memory.js';

/** One agent as the MCP server knows it: who publishes, where findings and reports come from. */
export interface MemoryAgent {
  taskId: string;
  agentId: string;
  memory: SharedMemory;
  emit: AgentEmit;
  dependencies: readonly DependencyReport[];
}

export interface MemoryRegistration {
  /** Streamable HTTP endpoint for this agent only; its path is the agent's secret. */
  url: string;
  release(): void;
}

function dependencyText(reports: readonly DependencyReport[]): string {
  if (reports.length === 0) return '(this task depends on no other task)';
  return reports
    .map((d) => `- ${d.taskId} (${d.title}): ${d.summary}${d.notes ? `\n  notes: ${d.notes}` : ''}`)
    .join('\n');
}

const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] });

/** The MCP tools of one agent, on the official SDK. */
function mcpFor(agent: MemoryAgent): McpServer {
  const server = new McpServer({ name: 'maestro', version: '1' });
  server.registerTool(
    'publish_finding',
    {
      description:
        'Tell the other agents of this run something they need to know (an API you changed, a convention, a pitfall).',
      inputSchema: {
        text: z.string().min(1).describe('What other agents should know, in a sentence or two.'),
        files: z.array(z.string()).optional().describe('Files the finding is about.'),
        tags: z.array(z.string()).optional().describe('Short labels, e.g. "api", "convention".'),
      },
    },
    (args) => {
      const finding = agent.memory.publish({ taskId: agent.taskId, agentId: agent.agentId, ...args });
      agent.emit({
        type: 'finding.published',
        taskId: finding.taskId,
        agentId: finding.agentId,
        text: finding.text,
        files: finding.files,
        tags: finding.tags,
      });
      return text(`published finding #${finding.seq}`);
    },
  );
  server.registerTool(
    'read_findings',
    { description: 'Read every finding published so far by the agents of this run.' },
    () => {
      const all = agent.memory.all();
      return text(all.length > 0 ? formatFindings(all) : '(no findings yet)');
    },
  );
  server.registerTool(
    'read_dependency_reports',
    { description: 'What the tasks yours depends on did (their work is already in your worktree).' },
    () => text(dependencyText(agent.dependencies)),
  );
  return server;
}

/**
 * The run's shared memory for external agent CLIs: one Streamable HTTP MCP server on 127.0.0.1
 * (stateless: a fresh SDK server per request), one unguessable path per agent, so a finding is
 * always attributed to the agent that published it and no other local process can publish.
 */
export class MemoryMcpServer {
  private readonly agents = new Map<string, MemoryAgent>();

  private readonly http = createServer((req, res) => void this.handle(req, res));
  private url = '';

  get baseUrl(): string {
    return this.url;
  }

  private constructor() {}

  static async start(): Promise<MemoryMcpServer> {
    const self = new MemoryMcpServer();
    await new Promise<void>((resolve, reject) => {
      self.http.once('error', reject);
      self.http.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = self.http.address() as AddressInfo;
    self.url = `http://127.0.0.1:${port}`;
    return self;
  }

  register(agent: MemoryAgent): MemoryRegistration {
    const token = randomBytes(18).toString('hex');
    this.agents.set(token, agent);
    return { url: `${this.baseUrl}/mcp/${token}`, release: () => this.agents.delete(token) };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const token = /^\/mcp\/([0-9a-f]+)$/.exec((req.url ?? '').split('?')[0] ?? '')?.[1];
    const agent = token === undefined ? undefined : this.agents.get(token);
    if (agent === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"unknown agent"}');
      return;
    }
    if (req.method !== 'POST') {
      // Stateless: no server-initiated stream (GET) and no session to end (DELETE).
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const server = mcpFor(agent);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    res.once('close', () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: String(error) }, id: null }));
    }
  }

  close(): Promise<void> {
    this.agents.clear();
    this.http.closeAllConnections();
    return new Promise((resolve) => this.http.close(() => resolve()));
  }
}
