# embedder-examples/scheme: filled in when it lands.
