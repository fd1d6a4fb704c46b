class Api:
    @route('/')
    def index(self):
        return 'ok'

    @route('/b')
    def b(self):
        return 'b'
