import os
import json


def main():
    return os.getcwd()
