import { catalogFacts } from '../catalog.js';
import type { ModelFactsLookup } from '../model-facts.js';

/**
 * The facts the fake's strict mode enforces (output cap, window, thinking, sampling) and its cache
 * minimum: the model catalog's, test-only models (status `test`, e.g. maestro-test-small-claude)
 * included, so the fake refuses exactly what the catalog says the real API refuses.
 */
export const fakeModelFacts: ModelFactsLookup = catalogFacts;
