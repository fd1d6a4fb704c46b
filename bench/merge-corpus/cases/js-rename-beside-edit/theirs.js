export function one() { return 1; }
export function two() { return 22; }
