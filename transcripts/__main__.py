"""`python -m transcripts` runs the CLI."""

from transcripts.cli import main

if __name__ == "__main__":  # not in the worker processes `transcripts worker` spawns, which import this again
    main()
