class Api:
    @route('/')
    def index(self):
        return 'ok'

    @route('/a')
    def a(self):
        return 'a'

    @route('/b')
    def b(self):
        return 'b'
