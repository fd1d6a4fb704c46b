/** The area of a square. */
export function area(w) {
  return w * w;
}
