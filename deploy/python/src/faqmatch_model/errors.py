"""The one error the tools report to the user."""


class InputError(Exception):
    """A problem with the user's input (an option, a data file, a model): printed as one line, without a traceback."""
