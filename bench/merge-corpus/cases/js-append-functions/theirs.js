export function one() {
  return 1;
}

export function three() {
  return 3;
}
