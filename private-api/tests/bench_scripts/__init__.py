"""`make bench` keeps working: each bench script runs end to end (one repetition or a few runs, no figures
checked) against its own gateway process and prints every goal. One module a script, so that the test
processes share them out (each takes a minute or more)."""
