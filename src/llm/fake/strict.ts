import type { ModelFacts } from '../model-facts.js';
import type { ProviderName } from '../types.js';
import { checkAnthropic, type Refusal } from './strict-anthropic.js';

export type { Refusal } from './strict-anthropic.js';

/** What the provider's real API would refuse in this request body, or null. */
export function strictRefusal(
  provider: ProviderName,
  body: Record<string, unknown>,
  facts: ModelFacts | undefined,
): Refusal | null {
  if (provider === 'anthropic') return checkAnthropic(body, facts);
  return null;
}
