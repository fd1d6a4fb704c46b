export const all = {
  ...base,
  ...more,
};
