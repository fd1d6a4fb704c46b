export { a } from './a.js';
export { b } from './b.js';
export { c } from './c.js';
