import sys

from report_builder.cli import main

if __name__ == "__main__":  # not when a process of a pool imports it (renderers/pdf.py)
    sys.exit(main())
