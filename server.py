"""Entry point: python server.py [--host H] [--port P] serves the Scribedesk panel."""

import sys

from scribedesk.serve import main

if __name__ == "__main__":
    sys.exit(main())
