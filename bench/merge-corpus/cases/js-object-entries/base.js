export const routes = {
  home: '/',
};
