package main

const limit = 20
