import { a } from './m.js';

export const x = a;
