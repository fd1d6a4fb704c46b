APPS = [
    'core',
    'auth',
]
