import sys

from symcert.cli import main

sys.exit(main())
