export function area(w, h = w) {
  return w * h;
}
