import a from './a.js';
import c from './c.js';

export const x = a;
