export const env = {
  mode: 'dev',
  port: 8080,
};
