#!/usr/bin/env python
import sys

from motcua.cli import main

if __name__ == "__main__":
    sys.exit(main(["manage", *sys.argv[1:]], django_style=True))
