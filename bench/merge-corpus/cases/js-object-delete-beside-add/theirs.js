export const flags = {
  a: true,
  b: false,
  c: true,
};
