# The area of a square.
def area(w, h=None):
    return w * (h or w)
