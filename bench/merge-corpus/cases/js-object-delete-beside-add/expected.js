export const flags = {
  a: true,
  c: true,
};
