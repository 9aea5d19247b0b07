import sys

from referee_autotrace.main import main

sys.exit(main(sys.argv[1:]))
