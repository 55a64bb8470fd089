import sys

from casus.cli import main

sys.exit(main())
