import a from './a.js';
import b from './b.js';
import z from './z.js';

export default [a, z];
