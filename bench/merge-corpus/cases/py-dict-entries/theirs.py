ROUTES = {
    'home': '/',
    'blog': '/blog',
}
