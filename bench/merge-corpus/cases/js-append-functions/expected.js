export function one() {
  return 1;
}

export function two() {
  return 2;
}

export function three() {
  return 3;
}
