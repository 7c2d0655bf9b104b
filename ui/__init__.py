"""Second Look's Qt widgets and dialogs. Receives services from ``desktop``; never does I/O."""
