export function f(a) {
  const x = a + 1;
  const y = a + 2;
  return x + y;
}
