export const flags = {
  a: true,
  b: false,
};
