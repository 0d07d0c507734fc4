"""The demo campus: a throwaway directory and the app, for ``make run``."""
