APPS = [
    'core',
    'blog',
]
