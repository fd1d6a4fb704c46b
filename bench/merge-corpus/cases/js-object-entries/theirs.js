export const routes = {
  home: '/',
  blog: '/blog',
};
