def run(app):
    app.start()
