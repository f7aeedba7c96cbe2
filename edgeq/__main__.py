"""`python -m edgeq`: the same command line as the `edgeq` script."""
from edgeq.cli.main import main

if __name__ == "__main__":
    main()
