import { a, b } from './m.js';

export const x = a + b;
