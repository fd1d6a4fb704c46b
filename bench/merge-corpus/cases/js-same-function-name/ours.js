export const a = 1;
export function helper() {
  return 1;
}
