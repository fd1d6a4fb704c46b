def run(app):
    app.use('auth')
    app.start()
