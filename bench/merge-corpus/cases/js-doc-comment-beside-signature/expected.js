/** The area of a square. */
export function area(w, h = w) {
  return w * h;
}
