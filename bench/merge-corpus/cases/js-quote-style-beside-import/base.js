import a from "./a.js";
import z from './z.js';

export default [a, z];
