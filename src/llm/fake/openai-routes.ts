import { checkChat, checkResponses, refusalBody, responsesReasons, type Refusal } from './openai-rules.js';
import { viewOpenAi } from './request-view.js';
import { ResponsesLedger } from './responses-ledger.js';
import { viewOpenAiResponses } from './responses-view.js';
import type { Route, RouteRefusal } from './route.js';
import { openAiWire } from './wire-openai.js';
import { responsesWire } from './wire-responses.js';

type Json = Record<string, unknown>;
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asObject = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});

const toRoute = (r: Refusal | null): RouteRefusal | null =>
  r && { status: r.status, body: refusalBody(r), message: r.message };

/**
 * Every tool a Responses request offers: `tools`, and (as codex-cli 0.171 sends them) the tools of
 * `additional_tools` input items, namespaces flattened.
 */
function offeredTools(body: Json): Json[] {
  const flat = (tool: Json): Json[] => [tool, ...asArray(tool.tools).map(asObject).flatMap(flat)];
  const extra = asArray(body.input)
    .map(asObject)
    .filter((item) => item.type === 'additional_tools')
    .flatMap((item) => asArray(item.tools).map(asObject));
  return [...asArray(body.tools).map(asObject), ...extra].flatMap(flat);
}

/**
 * The OpenAI paths of one fake server: Chat Completions and the Responses API. The Responses
 * ledger (ids, encrypted reasoning, which call came with which reasoning item) lives as long as
 * the server, so a conversation is checked across its requests.
 */
export function openAiRoutes(): Record<string, Route> {
  const ledger = new ResponsesLedger();
  const chat: Route = {
    provider: 'openai',
    view: viewOpenAi,
    wire: () => openAiWire,
    check: (body) => toRoute(checkChat(body)),
  };
  const responses: Route = {
    provider: 'openai',
    view: viewOpenAiResponses,
    wire: (body) =>
      responsesWire(ledger, {
        reasons: responsesReasons(body),
        encrypted: asArray(body.include).includes('reasoning.encrypted_content'),
        summary:
          typeof asObject(body.reasoning).summary === 'string' && asObject(body.reasoning).summary !== 'none',
        customTools: new Set(
          offeredTools(body)
            .filter((t) => t.type === 'custom')
            .map((t) => String(t.name)),
        ),
      }),
    check: (body) =>
      toRoute(
        checkResponses(body) ??
          (body.previous_response_id !== undefined && body.previous_response_id !== null
            ? {
                status: 400,
                message: `Previous response with id '${String(body.previous_response_id)}' not found.`,
                type: 'invalid_request_error',
                param: 'previous_response_id',
                code: 'previous_response_not_found',
              }
            : ledger.check(body)),
      ),
  };
  return {
    '/v1/chat/completions': chat,
    '/chat/completions': chat,
    '/v1/responses': responses,
    '/responses': responses,
  };
}
