def run(app):
    app.use('log')
    app.start()
