"""`python -m app` starts the server, like `nnplay serve`."""

import sys

from app.cli import main

main(["serve", *sys.argv[1:]])
