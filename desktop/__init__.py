"""The Second Look application without widgets: entry point, workspace, accounts, publishing."""
