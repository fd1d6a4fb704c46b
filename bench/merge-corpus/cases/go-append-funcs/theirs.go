package util

func One() int { return 1 }

func Three() int { return 3 }
