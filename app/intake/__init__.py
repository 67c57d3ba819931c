"""Applications that arrive from an e-service (E-ansökan): the format and the inbox."""
