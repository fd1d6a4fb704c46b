export function f(a) {
  const x = a + 1;
  const y = a + 20;
  return x + y;
}
