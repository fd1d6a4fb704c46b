import { randomBytes } from 'node:crypto';
import type { Refusal } from './openai-rules.js';

type Json = Record<string, unknown>;
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asObject = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

const invalid = (message: string, status = 400): Refusal => ({
  status,
  message,
  type: 'invalid_request_error',
  param: 'input',
  code: null,
});

/**
 * What one fake server has handed out on the Responses API: unique ids, the encrypted content of
 * each reasoning item, and which reasoning item each function call came with. With `store: false`
 * nothing is kept on OpenAI's side, so a client must send reasoning items back itself, with their
 * encrypted content unchanged, ahead of the calls they produced; `check` refuses what the real API
 * refuses when that goes wrong.
 */
export class ResponsesLedger {
  private counter = 0;
  private readonly encrypted = new Map<string, string>();
  /** function_call item id → the reasoning item id that came with it. */
  private readonly callReasoning = new Map<string, string>();

  /** A unique id: `resp_…`, `rs_…`, `msg_…`, `fc_…`, `ctc_…`. */
  id(prefix: string): string {
    return `${prefix}_${(++this.counter).toString(16).padStart(6, '0')}${randomBytes(6).toString('hex')}`;
  }

  /** An opaque encrypted_content for a reasoning item, remembered for verification. */
  encrypt(reasoningId: string, text: string): string {
    const blob = Buffer.from(JSON.stringify({ id: reasoningId, text, nonce: randomBytes(8).toString('hex') }))
      .toString('base64')
      .replace(/=+$/, '');
    const sealed = `gAAAAB${blob}`;
    this.encrypted.set(reasoningId, sealed);
    return sealed;
  }

  /** The call `callItemId` came with reasoning item `reasoningId`. */
  pair(callItemId: string, reasoningId: string): void {
    this.callReasoning.set(callItemId, reasoningId);
  }

  /** Refuses what the real API refuses in the input items of a request. */
  check(body: Json): Refusal | null {
    const stored = body.store !== false;
    const items = typeof body.input === 'string' ? [] : asArray(body.input).map(asObject);
    const seenReasoning = new Set<string>();
    const calls = new Set<string>();
    const outputs = new Set<string>();
    for (const item of items) {
      const type = str(item.type);
      if (type === 'reasoning') {
        const id = str(item.id);
        const sent = str(item.encrypted_content);
        if (sent) {
          if (this.encrypted.get(id) !== sent)
            return invalid(`The encrypted content for item ${id} could not be verified.`);
        } else if (!stored && id) {
          return invalid(
            `Item with id '${id}' not found. Items are not persisted when \`store\` is set to false. Try again with \`store\` set to true, or remove this item from your input.`,
            404,
          );
        }
        if (id) seenReasoning.add(id);
      } else if (type === 'function_call' || type === 'custom_tool_call') {
        const required = this.callReasoning.get(str(item.id));
        if (required && !seenReasoning.has(required)) {
          return invalid(
            `Item '${str(item.id)}' of type '${type}' was provided without its required 'reasoning' item: '${required}'.`,
          );
        }
        calls.add(str(item.call_id));
      } else if (type === 'function_call_output' || type === 'custom_tool_call_output') {
        const callId = str(item.call_id);
        if (!calls.has(callId))
          return invalid(`No tool call found for function call output with call_id ${callId}.`);
        outputs.add(callId);
      }
    }
    for (const callId of calls) {
      if (!outputs.has(callId)) return invalid(`No tool output found for function call ${callId}.`);
    }
    return null;
  }
}
