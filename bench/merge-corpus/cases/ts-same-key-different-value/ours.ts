export const env = {
  mode: 'dev',
  port: 3000,
};
