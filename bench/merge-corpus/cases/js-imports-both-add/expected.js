import a from './a.js';
import b from './b.js';
import c from './c.js';

export const x = a;
