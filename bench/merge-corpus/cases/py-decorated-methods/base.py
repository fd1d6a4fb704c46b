class Api:
    @route('/')
    def index(self):
        return 'ok'
