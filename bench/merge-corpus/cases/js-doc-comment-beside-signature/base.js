export function area(w) {
  return w * w;
}
