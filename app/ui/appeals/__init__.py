"""After the decision (issue 23): delgivning, the appeal register, rättidsprövning,
omprövning and avvisning."""
