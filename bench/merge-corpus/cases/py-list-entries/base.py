APPS = [
    'core',
]
