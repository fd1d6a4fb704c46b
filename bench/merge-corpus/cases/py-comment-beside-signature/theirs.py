def area(w, h=None):
    return w * (h or w)
