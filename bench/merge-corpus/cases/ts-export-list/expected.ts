export { a } from './a.js';
export { b } from './b.js';
export { c } from './c.js';
export { d } from './d.js';
