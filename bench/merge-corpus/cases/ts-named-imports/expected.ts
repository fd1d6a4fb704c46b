import { a, b, c } from './m.js';

export const x = a + b;
export const y = c;
