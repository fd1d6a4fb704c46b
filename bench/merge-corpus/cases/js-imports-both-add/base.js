import a from './a.js';

export const x = a;
