export const env = {
  mode: 'dev',
};
