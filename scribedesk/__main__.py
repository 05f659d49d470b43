"""`python -m scribedesk ...`: the command line (see scribedesk/cli.py)."""

from scribedesk.cli import main

raise SystemExit(main())
