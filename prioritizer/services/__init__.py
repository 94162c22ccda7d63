"""Every operation the window and the command line perform, one unit of work each."""
