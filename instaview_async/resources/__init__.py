"""Resource namespaces: one module per API resource, keyword arguments in, models out."""
