export const routes = {
  home: '/',
  about: '/about',
  blog: '/blog',
};
