"""``python -m benchmarks``: run every row of issue 6's table and print the ratios."""

from .run import main

main()
