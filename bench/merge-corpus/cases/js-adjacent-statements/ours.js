export function f(a) {
  const x = a + 10;
  const y = a + 2;
  return x + y;
}
