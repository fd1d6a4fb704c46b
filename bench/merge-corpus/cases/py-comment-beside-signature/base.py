def area(w):
    return w * w
