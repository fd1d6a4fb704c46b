class Api:
    @route('/')
    def index(self):
        return 'ok'

    @route('/a')
    def a(self):
        return 'a'
