"""Discovery's errors.

DiscoveryError
 └── ClassifierError   no model, too little training data, a bad evaluation file
"""


class DiscoveryError(Exception):
    """Base of discovery's errors."""


class ClassifierError(DiscoveryError):
    """The classifier cannot be trained or evaluated as asked."""
