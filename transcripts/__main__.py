"""`python -m transcripts` runs the CLI."""

from transcripts.cli import main

main()
