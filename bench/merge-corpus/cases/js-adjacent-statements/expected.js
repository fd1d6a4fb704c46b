export function f(a) {
  const x = a + 10;
  const y = a + 20;
  return x + y;
}
