import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ModelFactsLookup } from '../model-facts.js';
import type { Usage } from '../types.js';
import { CacheSim } from './cache-sim.js';
import { fakeModelFacts } from './models.js';
import { ollamaTruncate } from './ollama-context.js';
import { parseScenario, type FakeFault, type FakeReply, type FakeScenario } from './scenario.js';
import { pickRule, viewAnthropic, viewOllama, type FakeProvider, type RequestView } from './request-view.js';
import { checkAnthropic, requestThinks } from './strict-anthropic.js';
import { sleep, untilOrClosed, writeStream } from './stream-writer.js';
import { estimateTokens, type ResolvedReply, type Wire } from './wire.js';
import { anthropicWire } from './wire-anthropic.js';
import { ollamaWire } from './wire-ollama.js';
import { geminiPreflight, geminiWire, parseGeminiPath, viewGemini } from './wire-gemini.js';
import { openAiRoutes } from './openai-routes.js';
import type { Route } from './route.js';

export interface RecordedRequest {
  provider: FakeProvider;
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
  /** Strict mode refused the request (status and the API's message); no rule answered it. */
  refused?: { status: number; message: string };
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
  /** Base URL for the Gemini API (`GOOGLE_GEMINI_BASE_URL`, `@google/genai`'s `httpOptions.baseUrl`). */
  geminiBaseURL: string;
  /** Every model request, in arrival order. */
  requests: RecordedRequest[];
  /** Requests being answered right now, and the most ever at once. */
  stats: { inFlight: number; maxInFlight: number };
  /** Replace the rules (use counts restart; recorded requests and the cache stay). */
  setScenario(scenario: FakeScenario): void;
  close(): Promise<void>;
}

/** Every API path, per server (the OpenAI Responses ledger is per server). */
function createRoutes(models: ModelFactsLookup): Record<string, Route> {
  return {
    ...openAiRoutes(),
    '/v1/messages': {
      provider: 'anthropic',
      view: viewAnthropic,
      wire: () => anthropicWire,
      check: (body) => {
        const refusal = checkAnthropic(body, models(String(body.model)));
        return refusal && { ...refusal, body: anthropicWire.errorBody(refusal.status, refusal.message) };
      },
    },
    '/api/chat': { provider: 'ollama', view: viewOllama, wire: () => ollamaWire },
  };
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
  options: {
    port?: number;
    host?: string;
    /** Refuse what the real APIs refuse, with their status and error body (default: the scenario's, else true). */
    strict?: boolean;
    /** Model facts the strict mode enforces (default: the catalog's). */
    models?: ModelFactsLookup;
  } = {},
): Promise<FakeServer> {
  let scenario = parseScenario(scenarioInput);
  const modelFacts = options.models ?? fakeModelFacts;
  const routes = createRoutes(modelFacts);
  let used: number[] = [];
  const cache = new CacheSim();
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
  const requests: RecordedRequest[] = [];
  const stats = { inFlight: 0, maxInFlight: 0 };
  let callCounter = 0;
  const minCacheTokens = (view: RequestView) =>
    scenario.cacheMinTokens ?? modelFacts(view.model)?.cacheMinTokens ?? 0;

  function resolveReply(reply: FakeReply, view: RequestView, body: Record<string, unknown>): ResolvedReply {
    const toolCalls = (reply.toolCalls ?? []).map((call) => ({
      id: call.id ?? `${view.provider === 'anthropic' ? 'toolu' : 'call'}_fake_${++callCounter}`,
      name: call.name,
      raw: call.rawArguments ?? JSON.stringify(call.arguments ?? {}),
    }));
    const text = reply.text ?? '';
    const total = estimateTokens(view.prompt);
    const { readTokens, writeTokens } = cache.lookup(view, minCacheTokens(view));
    const cachedInputTokens = reply.usage?.cachedInputTokens ?? readTokens;
    // OpenAI has no cache-write charge; Anthropic reports the write on a miss.
    const cacheWriteTokens = reply.usage?.cacheWriteTokens ?? writeTokens;
    // A thinking Anthropic request always gets a thinking block, which must come back with the tool results.
    const thinks = view.provider === 'anthropic' && requestThinks(body, modelFacts(view.model));
    const thinking = reply.thinking ?? (thinks ? 'I will use the tools.' : null);
    const outputTokens =
      reply.usage?.outputTokens ??
      Math.max(1, estimateTokens((thinking ?? '') + text + toolCalls.map((c) => c.name + c.raw).join('')));
    return {
      id: `${view.provider === 'anthropic' ? 'msg' : 'chatcmpl'}_fake_${randomBytes(9).toString('base64url')}`,
      model: view.model,
      text,
      thinking,
      redactedThinking: reply.redactedThinking === true,
      argumentChunkChars: reply.argumentChunkChars,
      pings: reply.pings,
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
      JSON.stringify(
        wire.errorBody(fault.status, fault.message ?? `fake fault: status ${fault.status}`, fault.code),
      ),
    );
  }

  async function answer(
    res: ServerResponse,
    view: RequestView,
    body: Record<string, unknown>,
    wire: Wire,
    reply: FakeReply,
    fault: FakeFault | undefined,
    ruleName: string | undefined,
  ) {
    const resolved = resolveReply(reply, view, body);
    if (reply.after !== undefined) await untilOrClosed(answeredSignal(reply.after).promise, res);
    await sleep(reply.latencyMs ?? 0, res);
    const sent = () => {
      if (ruleName !== undefined) answeredSignal(ruleName).resolve();
    };
    const markSeen = () => cache.remember(view, minCacheTokens(view));
    if (!view.stream) {
      res.writeHead(200, { 'content-type': 'application/json', ...reply.headers });
      res.end(JSON.stringify(wire.body(resolved)));
      markSeen();
      sent();
      return;
    }
    res.writeHead(200, { 'content-type': wire.contentType, 'cache-control': 'no-cache', ...reply.headers });
    res.flushHeaders();
    await writeStream(res, {
      chunks: wire.chunks(resolved, view.wantsUsage),
      wire,
      latencyMs: reply.tokenLatencyMs ?? scenario.tokenLatencyMs ?? 0,
      fault,
      trickle: reply.trickle,
      onFirstBytes: markSeen,
    });
    if (res.writableEnded) sent();
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    // Claude Code checks the server is there with `HEAD /` before its first request.
    if (req.method === 'HEAD') return void res.writeHead(200).end();
    if (req.method === 'GET') {
      if (path === '/api/tags') return void res.end(JSON.stringify({ models: [] }));
      if (path === '/v1/models') return void res.end(JSON.stringify({ object: 'list', data: [] }));
      res.writeHead(200, { 'content-type': 'text/plain' });
      return void res.end('maestro fake LLM server is running');
    }
    const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
    const gemini = parseGeminiPath(path);
    const route: Route | undefined =
      routes[path] ??
      (gemini
        ? {
            provider: 'gemini',
            wire: () => geminiWire,
            view: (body, headers) =>
              viewGemini(body, headers, {
                model: gemini.model,
                stream: gemini.method === 'streamGenerateContent',
              }),
          }
        : undefined);
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
      return void res.end(JSON.stringify(route.wire({}).errorBody(400, 'fake-llm: body is not JSON')));
    }
    const headers = flatHeaders(req);
    const preflight = gemini
      ? geminiPreflight(gemini, body, headers, query, options.strict ?? scenario.strict !== false)
      : null;
    if (preflight && 'json' in preflight) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify(preflight.json));
    }
    if (preflight) return sendError(res, geminiWire, { type: 'status', ...preflight });
    const strict = options.strict ?? scenario.strict ?? true;
    // Ollama cuts a prompt longer than its context from the front, silently; so does the fake.
    const seen = strict && route.provider === 'ollama' ? ollamaTruncate(body) : body;
    const view = route.view(seen, headers);
    const wire = route.wire(body);
    const own = strict ? (route.check?.(body) ?? null) : null;
    if (own) {
      requests.push({
        provider: route.provider,
        method: req.method,
        path,
        headers,
        body,
        rawBody,
        rule: -1,
        ruleName: undefined,
        time: Date.now(),
        refused: { status: own.status, message: own.message },
      });
      res.writeHead(own.status, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify(own.body));
    }
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
    if (fault?.type === 'status') return sendError(res, wire, fault);
    const reply = rule ? (rule.reply ?? { text: 'partial answer from the fake server' }) : scenario.fallback;
    if (!reply) {
      const last = view.messages.at(-1)?.text.slice(0, 80) ?? '';
      return sendError(res, wire, {
        type: 'status',
        status: 404,
        message: `fake-llm: no scenario rule matched the ${route.provider} request (model ${view.model}, last message "${last}")`,
      });
    }
    await answer(res, view, seen, wire, reply, fault, rule?.name);
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
    geminiBaseURL: url,
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
