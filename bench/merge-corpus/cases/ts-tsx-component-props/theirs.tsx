export function Button() {
  return <button type="submit">Go</button>;
}
