ROUTES = {
    'home': '/',
}
