import os
import sys
import json


def main():
    return os.getcwd()
