APPS = [
    'core',
    'auth',
    'blog',
]
