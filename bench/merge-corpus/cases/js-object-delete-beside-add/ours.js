export const flags = {
  a: true,
};
