import sys

from tradescreen.cli import main

sys.exit(main())
