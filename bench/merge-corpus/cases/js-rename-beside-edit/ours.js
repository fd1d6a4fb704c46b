export function first() { return 1; }
export function two() { return 2; }
