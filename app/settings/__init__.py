"""Settings: the configuration files (IT's and the user's) and the settings kept in the database."""
