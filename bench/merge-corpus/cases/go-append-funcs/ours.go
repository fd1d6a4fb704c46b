package util

func One() int { return 1 }

func Two() int { return 2 }
