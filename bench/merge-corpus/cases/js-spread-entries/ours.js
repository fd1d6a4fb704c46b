export const all = {
  ...base,
  ...extra,
};
