ROUTES = {
    'home': '/',
    'about': '/about',
}
