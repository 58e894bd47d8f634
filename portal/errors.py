class ServiceError(Exception):
    """An action a service refuses (not allowed now, or by this user); its
    message is for the user. Each app's services raise a subclass of it."""
