"""The one entry point: `python app.py --help`."""

import sys

from qa.faces.cli import main

if __name__ == "__main__":
    sys.exit(main())
