export function a() {
  return 1;
}

export function b() {
  return 3;
}
