"""The hostile-input suite: every finding of issue 13 as a case that builds its input at test
time and runs kbcheck in a subprocess under a memory limit and a deadline (harness.py)."""
