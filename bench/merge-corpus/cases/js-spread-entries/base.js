export const all = {
  ...base,
};
