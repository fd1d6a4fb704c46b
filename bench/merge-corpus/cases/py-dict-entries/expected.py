ROUTES = {
    'home': '/',
    'about': '/about',
    'blog': '/blog',
}
