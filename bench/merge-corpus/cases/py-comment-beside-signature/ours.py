# The area of a square.
def area(w):
    return w * w
