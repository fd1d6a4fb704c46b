import { a, c } from './m.js';

export const x = a;
export const y = c;
