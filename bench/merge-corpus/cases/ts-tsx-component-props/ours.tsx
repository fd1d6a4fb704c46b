export function Button() {
  return <button type="button" disabled>Go</button>;
}
