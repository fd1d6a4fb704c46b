export { a } from './a.js';
export { b } from './b.js';
export { d } from './d.js';
