"""The API's views, one small module per resource. Each parses, calls a plain function, serialises."""
