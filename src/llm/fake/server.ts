import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProviderName, Usage } from '../types.js';
import { parseScenario, type FakeFault, type FakeReply, type FakeScenario } from './scenario.js';
import { pickRule, viewAnthropic, viewOllama, viewOpenAi, type RequestView } from './request-view.js';
import { estimateTokens, type ResolvedReply, type Wire } from './wire.js';
import { openAiWire } from './wire-openai.js';
import { anthropicWire } from './wire-anthropic.js';
import { ollamaWire } from './wire-ollama.js';

export interface RecordedRequest {
  provider: ProviderName;
  method: string;
  path: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: Record<string, unknown>;
  /** The raw body bytes as text, for byte-identity assertions. */
  rawBody: string;
  /** Index of the rule that answered, or -1 when none matched. */
  rule: number;
  ruleName: string | undefined;
  time: number;
}

export interface FakeServer {
  url: string;
  port: number;
  /** Base URL for the OpenAI SDK (`.../v1`). */
  openaiBaseURL: string;
  /** Base URL for the Anthropic SDK. */
  anthropicBaseURL: string;
  /** Host for the Ollama SDK. */
  ollamaHost: string;
  /** Every model request, in arrival order. */
  requests: RecordedRequest[];
  /** Requests being answered right now, and the most ever at once. */
  stats: { inFlight: number; maxInFlight: number };
  /** Replace the rules (use counts restart; recorded requests and the cache stay). */
  setScenario(scenario: FakeScenario): void;
  close(): Promise<void>;
}

const wires: Record<ProviderName, Wire> = {
  openai: openAiWire,
  anthropic: anthropicWire,
  ollama: ollamaWire,
};

const routes: Record<string, { provider: ProviderName; view: typeof viewOpenAi }> = {
  '/v1/chat/completions': { provider: 'openai', view: viewOpenAi },
  '/chat/completions': { provider: 'openai', view: viewOpenAi },
  '/v1/messages': { provider: 'anthropic', view: viewAnthropic },
  '/api/chat': { provider: 'ollama', view: viewOllama },
};

/** Resolves when `signal` does or the client leaves, whichever is first. */
function untilOrClosed(signal: Promise<void>, res: ServerResponse): Promise<void> {
  if (res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off('close', done);
      resolve();
    };
    res.once('close', done);
    void signal.then(done);
  });
}

function sleep(ms: number, res: ServerResponse): Promise<void> {
  if (ms <= 0 || res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    }
    res.once('close', done);
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/**
 * A local server speaking the OpenAI, Anthropic and Ollama chat APIs from a scenario.
 * Used by the tests, `maestro demo` and `maestro fake-llm`.
 */
export async function startFakeServer(
  scenarioInput: FakeScenario,
  options: { port?: number; host?: string } = {},
): Promise<FakeServer> {
  let scenario = parseScenario(scenarioInput);
  let used: number[] = [];
  /** Per rule name: resolved once a reply of that rule has been sent in full (`reply.after`). */
  let answered = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  const answeredSignal = (name: string) => {
    let entry = answered.get(name);
    if (!entry) {
      let resolve = () => {};
      const promise = new Promise<void>((r) => (resolve = r));
      entry = { promise, resolve };
      answered.set(name, entry);
    }
    return entry;
  };
  const seenPrefixes = new Set<string>();
  const seenPrompts: string[] = [];
  const requests: RecordedRequest[] = [];
  const stats = { inFlight: 0, maxInFlight: 0 };
  let callCounter = 0;

  function cacheLookup(view: RequestView): { prefixTokens: number; hit: boolean } {
    const prefix = view.cachePrefix;
    if (prefix === null) return { prefixTokens: 0, hit: false };
    if (view.cacheMode === 'exact')
      return { prefixTokens: estimateTokens(prefix), hit: seenPrefixes.has(prefix) };
    let longest = 0;
    for (const seen of seenPrompts) {
      let i = 0;
      while (i < seen.length && i < prefix.length && seen.charCodeAt(i) === prefix.charCodeAt(i)) i++;
      longest = Math.max(longest, i);
    }
    const tokens = Math.floor(Math.floor(longest / 4) / 128) * 128;
    return { prefixTokens: tokens, hit: tokens > 0 };
  }

  function resolveReply(reply: FakeReply, view: RequestView): ResolvedReply {
    const toolCalls = (reply.toolCalls ?? []).map((call) => ({
      id: call.id ?? `${view.provider === 'anthropic' ? 'toolu' : 'call'}_fake_${++callCounter}`,
      name: call.name,
      raw: call.rawArguments ?? JSON.stringify(call.arguments ?? {}),
    }));
    const text = reply.text ?? '';
    const total = estimateTokens(view.prompt);
    const { prefixTokens, hit } = cacheLookup(view);
    const cacheable = prefixTokens > 0 && prefixTokens >= (scenario.cacheMinTokens ?? 0);
    const cachedInputTokens = reply.usage?.cachedInputTokens ?? (cacheable && hit ? prefixTokens : 0);
    // OpenAI has no cache-write charge; Anthropic reports the write on a miss.
    const cacheWriteTokens =
      reply.usage?.cacheWriteTokens ??
      (cacheable && !hit && view.provider === 'anthropic' ? prefixTokens : 0);
    const outputTokens =
      reply.usage?.outputTokens ??
      Math.max(1, estimateTokens(text + toolCalls.map((c) => c.name + c.raw).join('')));
    return {
      model: view.model,
      text,
      toolCalls,
      stopReason: reply.stopReason ?? (toolCalls.length > 0 ? 'tool_use' : 'end_turn'),
      usage: {
        inputTokens: reply.usage?.inputTokens ?? Math.max(0, total - cachedInputTokens - cacheWriteTokens),
        cachedInputTokens,
        cacheWriteTokens,
        outputTokens,
      } satisfies Usage,
    };
  }

  function sendError(res: ServerResponse, wire: Wire, fault: Extract<FakeFault, { type: 'status' }>) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
    if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
    // Without this header the SDKs decide retries themselves; the fake leaves that to the client.
    res.writeHead(fault.status, headers);
    res.end(
      JSON.stringify(wire.errorBody(fault.status, fault.message ?? `fake fault: status ${fault.status}`)),
    );
  }

  async function answer(
    res: ServerResponse,
    view: RequestView,
    reply: FakeReply,
    fault: FakeFault | undefined,
    ruleName: string | undefined,
  ) {
    const wire = wires[view.provider];
    const resolved = resolveReply(reply, view);
    if (reply.after !== undefined) await untilOrClosed(answeredSignal(reply.after).promise, res);
    await sleep(reply.latencyMs ?? 0, res);
    const sent = () => {
      if (ruleName !== undefined) answeredSignal(ruleName).resolve();
    };
    const markSeen = () => {
      if (view.cachePrefix === null) return;
      if (view.cacheMode === 'exact') seenPrefixes.add(view.cachePrefix);
      // A bounded memory keeps long demo runs cheap.
      else if (seenPrompts.push(view.cachePrefix) > 200) seenPrompts.shift();
    };
    if (!view.stream) {
      res.writeHead(200, { 'content-type': 'application/json', ...reply.headers });
      res.end(JSON.stringify(wire.body(resolved)));
      markSeen();
      sent();
      return;
    }
    const chunks = wire.chunks(resolved, view.wantsUsage);
    const faultAt =
      fault && fault.type !== 'status' && fault.type !== 'reset'
        ? (fault.afterChunks ?? Math.floor(chunks.length / 2))
        : -1;
    const latency = reply.tokenLatencyMs ?? scenario.tokenLatencyMs ?? 0;
    res.writeHead(200, { 'content-type': wire.contentType, 'cache-control': 'no-cache', ...reply.headers });
    res.flushHeaders();
    for (const [index, chunk] of chunks.entries()) {
      if (res.destroyed) return;
      if (index === faultAt && fault) {
        if (fault.type === 'cut') {
          res.write(chunk.slice(0, Math.max(1, Math.floor(chunk.length / 2))));
          res.destroy();
          return;
        }
        if (fault.type === 'stall') {
          await sleep(fault.ms ?? 2 ** 31 - 1, res);
          res.destroy();
          return;
        }
        if (fault.type === 'garbled') res.write(wire.garbage);
      }
      res.write(chunk);
      if (index === 0) markSeen();
      if (index < chunks.length - 1) await sleep(latency, res);
    }
    res.end();
    sent();
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method === 'GET') {
      if (path === '/api/tags') return void res.end(JSON.stringify({ models: [] }));
      if (path === '/v1/models') return void res.end(JSON.stringify({ object: 'list', data: [] }));
      res.writeHead(200, { 'content-type': 'text/plain' });
      return void res.end('maestro fake LLM server is running');
    }
    const route = routes[path];
    const rawBody = await readBody(req);
    if (!route || req.method !== 'POST') {
      res.writeHead(404, { 'content-type': 'application/json' });
      return void res.end(
        JSON.stringify({ error: { message: `fake-llm: no route for ${req.method} ${path}` } }),
      );
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(rawBody) as Record<string, unknown>;
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify(wires[route.provider].errorBody(400, 'fake-llm: body is not JSON')));
    }
    const headers = flatHeaders(req);
    const view = route.view(body, headers);
    const index = pickRule(scenario.rules, used, view);
    const rule = scenario.rules[index];
    requests.push({
      provider: route.provider,
      method: req.method,
      path,
      headers,
      body,
      rawBody,
      rule: index,
      ruleName: rule?.name,
      time: Date.now(),
    });
    const fault = rule?.fault;
    if (fault?.type === 'reset') return void req.socket.destroy();
    if (fault?.type === 'status') return sendError(res, wires[route.provider], fault);
    const reply = rule ? (rule.reply ?? { text: 'partial answer from the fake server' }) : scenario.fallback;
    if (!reply) {
      const last = view.messages.at(-1)?.text.slice(0, 80) ?? '';
      return sendError(res, wires[route.provider], {
        type: 'status',
        status: 404,
        message: `fake-llm: no scenario rule matched the ${route.provider} request (model ${view.model}, last message "${last}")`,
      });
    }
    await answer(res, view, reply, fault, rule?.name);
  }

  const server = createServer((req, res) => {
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    res.once('close', () => stats.inFlight--);
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `fake-llm internal error: ${String(error)}` } }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
  return {
    url,
    port,
    openaiBaseURL: `${url}/v1`,
    anthropicBaseURL: url,
    ollamaHost: url,
    requests,
    stats,
    setScenario(next) {
      scenario = parseScenario(next);
      used = [];
      answered = new Map();
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
